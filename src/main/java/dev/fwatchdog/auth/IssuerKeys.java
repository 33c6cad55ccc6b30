package dev.fwatchdog.auth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.fwatchdog.config.InvalidSettingException;
import io.vertx.core.json.JsonObject;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * The issuer and its signing keys, found by OIDC discovery at start-up and held in memory: no request fetches keys.
 * The key set is fetched again periodically, and when a token names a key we do not know (the issuer rotated its
 * keys), but at most once per {@link #MIN_REFRESH_GAP}, so that junk tokens cannot make us hammer the issuer.
 */
final class IssuerKeys {

    private static final Logger LOG = Logger.getLogger(IssuerKeys.class);
    static final Duration MIN_REFRESH_GAP = Duration.ofSeconds(5);
    static final Duration PERIODIC_REFRESH = Duration.ofMinutes(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final String issuer;
    private final URI jwksUri;
    private final Runnable onChange;
    private volatile Map<String, PublicKey> keys;
    private volatile long lastFetch;
    private CompletableFuture<Void> fetching = CompletableFuture.completedFuture(null);

    private IssuerKeys(HttpClient http, String issuer, URI jwksUri, Map<String, PublicKey> keys, Runnable onChange) {
        this.http = http;
        this.onChange = onChange;
        this.issuer = issuer;
        this.jwksUri = jwksUri;
        this.keys = keys;
        this.lastFetch = System.nanoTime();
    }

    /**
     * Blocking, at start-up: any failure stops the start with one line. {@code onChange} runs when a refresh brings
     * a different key set.
     */
    static IssuerKeys discover(URI discoveryBase, Runnable onChange) {
        IssuerKeys discovered;
        URI configuration = discoveryBase.resolve("/.well-known/openid-configuration");
        HttpClient http = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build();
        try {
            JsonObject document = new JsonObject(get(http, configuration).join());
            String issuer = document.getString("issuer");
            String jwks = document.getString("jwks_uri");
            if (issuer == null || jwks == null) {
                throw new InvalidSettingException("jwt_auth: the OpenID configuration at " + configuration
                        + " has no issuer or jwks_uri");
            }
            URI jwksUri = URI.create(jwks);
            discovered = new IssuerKeys(http, issuer, jwksUri, parse(get(http, jwksUri).join()), onChange);
        } catch (CompletionException | IllegalArgumentException | ClassCastException | io.vertx.core.json.DecodeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new InvalidSettingException("jwt_auth: cannot load the issuer's keys via " + configuration + ": "
                    + describe(cause));
        }
        if (discovered.keys.isEmpty()) {
            throw new InvalidSettingException("jwt_auth: the key set at " + discovered.jwksUri + " has no public keys");
        }
        return discovered;
    }

    String issuer() {
        return issuer;
    }

    URI jwksUri() {
        return jwksUri;
    }

    Map<String, PublicKey> keys() {
        return keys;
    }

    /** The key a token names; a token without {@code kid} is accepted when the issuer has a single key. */
    PublicKey key(String kid) {
        Map<String, PublicKey> current = keys;
        if (kid == null) {
            return current.size() == 1 ? current.values().iterator().next() : null;
        }
        return current.get(kid);
    }

    /** Fetches the key set again unless that was done less than {@link #MIN_REFRESH_GAP} ago; never blocks. */
    synchronized CompletableFuture<Void> refresh() {
        if (!fetching.isDone() || System.nanoTime() - lastFetch < MIN_REFRESH_GAP.toNanos()) {
            return fetching;
        }
        lastFetch = System.nanoTime();
        fetching = get(http, jwksUri).thenApply(IssuerKeys::parse).handle((fresh, failure) -> {
            if (failure != null) {
                LOG.warnf("jwt_auth: cannot refresh the keys from %s: %s (keeping %d keys)", jwksUri,
                        describe(failure), keys.size());
            } else if (!fresh.equals(keys)) {
                LOG.infof("jwt_auth: keys refreshed from %s: %s", jwksUri, fresh.keySet());
                keys = fresh;
                onChange.run();
            }
            return null;
        });
        return fetching;
    }

    private static CompletableFuture<String> get(HttpClient http, URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(FETCH_TIMEOUT).header("Accept", "application/json").build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new CompletionException(new IOException(uri + " answered " + response.statusCode()));
            }
            return response.body();
        });
    }

    private static Map<String, PublicKey> parse(String jwks) {
        try {
            Map<String, PublicKey> parsed = new LinkedHashMap<>();
            int unnamed = 0;
            for (JsonWebKey key : new JsonWebKeySet(jwks).getJsonWebKeys()) {
                if (key instanceof PublicJsonWebKey pub && !"enc".equals(key.getUse())) {
                    parsed.put(key.getKeyId() != null ? key.getKeyId() : "#" + unnamed++, pub.getPublicKey());
                }
            }
            return parsed;
        } catch (JoseException e) {
            throw new CompletionException(new IOException("not a JSON Web Key Set: " + e.getMessage(), e));
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
