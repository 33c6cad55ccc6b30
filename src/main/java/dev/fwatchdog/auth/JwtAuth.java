package dev.fwatchdog.auth;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Settings;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

/**
 * jwt_auth=true (WATCHDOG.md section 7): every function call needs a token from the OpenFaaS issuer that grants this
 * function. SmallRye JWT verifies the signature (asymmetric algorithms only, so {@code alg: none} and HS256 tokens
 * signed with a public key fail), the issuer, the audience (it must contain the issuer) and the time claims with 1 s
 * of leeway; the {@code function} claim is then matched by {@link Permissions}. One parser is built at start-up; the
 * keys live in {@link IssuerKeys}. Verification is CPU work of well under a millisecond and runs on the event loop;
 * the only I/O, a key refresh, is asynchronous.
 */
@ApplicationScoped
public class JwtAuth {

    private static final Logger LOG = Logger.getLogger(JwtAuth.class);
    private static final Set<SignatureAlgorithm> ASYMMETRIC = Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
            SignatureAlgorithm.RS512, SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512,
            SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512, SignatureAlgorithm.EDDSA);

    @Inject
    Settings settings;

    private final VerifiedTokens verified = new VerifiedTokens();
    private IssuerKeys keys;
    private DefaultJWTParser parser;
    private String function;

    /** At start-up, blocking: discovery and the first key fetch; a failure stops the start with one line. */
    public void start(io.vertx.core.Vertx vertx) {
        function = settings.functionNamespace() + ":" + settings.functionName();
        keys = IssuerKeys.discover(settings.jwtDiscoveryUrl(), verified::forgetAll);
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setIssuedBy(keys.issuer());
        info.setExpectedAudience(Set.of(keys.issuer()));
        info.setClockSkew(1);
        info.setSignatureAlgorithm(ASYMMETRIC);
        info.setRequireNamedPrincipal(false);
        parser = new DefaultJWTParser(info);
        vertx.setPeriodic(IssuerKeys.PERIODIC_REFRESH.toMillis(), tick -> keys.refresh());
        LOG.infof("JWT auth on for %s, issuer %s", function, keys.issuer());
        if (settings.jwtAuthDebug()) {
            LOG.infof("jwt_auth_debug: jwks_uri %s, key ids %s", keys.jwksUri(), keys.keys().keySet());
        }
    }

    /** What a call without a token that grants this function gets: 401 or 403, and the reason. */
    @FunctionalInterface
    public interface Denial {
        void deny(int status, String reason);
    }

    /** Runs {@code next} when the call carries a token that grants this function, else {@code denied}. */
    public void check(RoutingContext ctx, Runnable next, Denial denied) {
        long start = System.nanoTime();
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
            deny(ctx, denied, 401, "Bearer must be present in Authorization header");
            return;
        }
        String token = header.substring(7).trim();
        if (!settings.jwtAuthDebug() && verified.contains(token)) {
            admit(ctx, start, next);
            return;
        }
        String kid;
        try {
            JsonWebStructure structure = JsonWebStructure.fromCompactSerialization(token);
            if (!(structure instanceof JsonWebSignature)) {
                deny(ctx, denied, 401, "invalid token: not a signed JWT");
                return;
            }
            kid = structure.getKeyIdHeaderValue();
        } catch (JoseException malformed) {
            deny(ctx, denied, 401, "invalid token: malformed");
            return;
        }
        debug(ctx.request(), kid, token);
        PublicKey key = keys.key(kid);
        if (key != null) {
            verify(ctx, token, key, start, next, denied);
            return;
        }
        // A key we do not know: the issuer may have rotated. Ask again (rate-limited), then decide.
        Context context = ctx.vertx().getOrCreateContext();
        keys.refresh().whenComplete((done, failure) -> context.runOnContext(back -> {
            PublicKey fresh = keys.key(kid);
            if (fresh == null) {
                deny(ctx, denied, 401, "invalid token: unknown key id " + kid);
            } else {
                verify(ctx, token, fresh, start, next, denied);
            }
        }));
    }

    private void verify(RoutingContext ctx, String token, PublicKey key, long start, Runnable next,
            Denial denied) {
        JsonWebToken jwt;
        try {
            jwt = parser.verify(token, key);
        } catch (ParseException invalid) {
            deny(ctx, denied, 401, "invalid token: " + reason(invalid));
            return;
        }
        if (!permissions(jwt).grant(function)) {
            deny(ctx, denied, 403, "insufficient permissions");
            return;
        }
        verified.remember(token, jwt.getExpirationTime());
        admit(ctx, start, next);
    }

    private static void admit(RoutingContext ctx, long start, Runnable next) {
        ctx.request().headers().set("X-Auth-Seconds", Durations.seconds(System.nanoTime() - start, 6));
        next.run();
    }

    private static Permissions permissions(JsonWebToken jwt) {
        Object claim = jwt.getClaim("function");
        if (!(claim instanceof JsonObject object)) {
            return new Permissions(List.of(), List.of());
        }
        return new Permissions(strings(object.get("permissions")), strings(object.get("audience")));
    }

    private static List<String> strings(JsonValue value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof JsonArray array) {
            for (JsonValue item : array) {
                if (item instanceof JsonString string) {
                    strings.add(string.getString());
                }
            }
        }
        return strings;
    }

    /** The short reason a 401 gives; from jose4j's error codes under SmallRye's exception. */
    private static String reason(ParseException invalid) {
        for (Throwable cause = invalid; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException jwt) {
                if (jwt.hasExpired()) {
                    return "expired";
                }
                if (jwt.hasErrorCode(ErrorCodes.NOT_YET_VALID) || jwt.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
                    return "not yet valid";
                }
                if (jwt.hasErrorCode(ErrorCodes.ISSUER_INVALID) || jwt.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return "wrong issuer";
                }
                if (jwt.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || jwt.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return "wrong audience";
                }
                if (jwt.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
                    return "bad signature";
                }
                if (jwt.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
                    return "no expiry";
                }
            }
            if (cause instanceof org.jose4j.lang.InvalidAlgorithmException
                    || cause instanceof org.jose4j.lang.InvalidKeyException) {
                return "algorithm not allowed";
            }
        }
        return "rejected";
    }

    private static void deny(RoutingContext ctx, Denial denied, int status, String reason) {
        HttpServerRequest request = ctx.request();
        LOG.warnf("jwt_auth: %d for %s %s: %s", status, request.method().name(), request.path(), reason);
        denied.deny(status, reason);
    }

    /** jwt_auth_debug: the token's kid, iss and aud, read without trusting them; never the token itself. */
    private void debug(HttpServerRequest request, String kid, String token) {
        if (!settings.jwtAuthDebug()) {
            return;
        }
        try {
            JsonWebToken unverified = parser.parseOnly(token);
            LOG.infof("jwt_auth_debug: %s %s kid=%s iss=%s aud=%s", request.method().name(), request.path(), kid,
                    unverified.getIssuer(), unverified.getAudience());
        } catch (ParseException unreadable) {
            LOG.infof("jwt_auth_debug: %s %s kid=%s, claims unreadable", request.method().name(), request.path(), kid);
        }
    }
}
