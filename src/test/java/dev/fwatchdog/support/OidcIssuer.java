package dev.fwatchdog.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * An OpenFaaS-like token issuer on loopback: OIDC discovery and a JWKS, with keys made at start. Tests talk to it over
 * HTTP (it may live in another class loader of the Quarkus test JVM): {@code GET /private/<kid>} gives a signing key
 * as a private JWK, {@code POST /rotate} publishes {@value #ROTATED}, {@code GET /fetches} counts JWKS fetches.
 * Published at start: {@value #RSA} and {@value #EC}; {@value #ROGUE} is never published.
 */
public final class OidcIssuer implements QuarkusTestResourceLifecycleManager {

    public static final String RSA = "rsa-1";
    public static final String EC = "ec-1";
    public static final String ROTATED = "rsa-2";
    public static final String ROGUE = "rogue";

    private final Map<String, PublicJsonWebKey> keys = new ConcurrentHashMap<>();
    private final Set<String> published = ConcurrentHashMap.newKeySet();
    private final AtomicInteger fetches = new AtomicInteger();
    private HttpServer server;

    /** Starts the issuer; its base URL is {@link #url()}. */
    public OidcIssuer begin() {
        try {
            keys.put(RSA, rsa(RSA));
            keys.put(EC, EcJwkGenerator.generateJwk(EllipticCurves.P256));
            keys.get(EC).setKeyId(EC);
            keys.put(ROTATED, rsa(ROTATED));
            keys.put(ROGUE, rsa(ROGUE));
            published.addAll(List.of(RSA, EC));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (JoseException | IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void end() {
        server.stop(0);
    }

    private static PublicJsonWebKey rsa(String kid) throws JoseException {
        PublicJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId(kid);
        return key;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.equals("/.well-known/openid-configuration")) {
                send(exchange, 200, "{\"issuer\":\"" + url() + "\",\"jwks_uri\":\"" + url() + "/jwks\"}");
            } else if (path.equals("/jwks")) {
                fetches.incrementAndGet();
                List<JsonWebKey> jwks = published.stream().map(kid -> (JsonWebKey) keys.get(kid)).toList();
                send(exchange, 200, new JsonWebKeySet(jwks).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            } else if (path.startsWith("/private/")) {
                PublicJsonWebKey key = keys.get(path.substring("/private/".length()));
                send(exchange, 200, key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            } else if (path.equals("/rotate")) {
                published.add(ROTATED);
                send(exchange, 200, "rotated");
            } else if (path.equals("/fetches")) {
                send(exchange, 200, Integer.toString(fetches.get()));
            } else {
                send(exchange, 404, "no");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** As a Quarkus test resource: the watchdog under test gets jwt_auth on, this issuer and a function identity. */
    @Override
    public Map<String, String> start() {
        begin();
        return Map.of("watchdog.jwt-auth", "true",
                "watchdog.jwt-auth-issuer-url", url(),
                "watchdog.function-name", "echo",
                "watchdog.function-namespace", "openfaas-fn");
    }

    @Override
    public void stop() {
        end();
    }
}
