package dev.fwatchdog.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.fwatchdog.support.Metrics;
import dev.fwatchdog.support.OidcIssuer;
import dev.fwatchdog.support.Tokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jwt_auth=true in front of a serializing function, against a real issuer on loopback (discovery and JWKS, RSA and
 * EC keys): every rejection of WATCHDOG.md section 7, the function claim, and key rotation while running.
 */
@QuarkusTest
@TestProfile(JwtAuthTest.WithIssuer.class)
class JwtAuthTest {

    public static class WithIssuer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.function-process", "sh src/test/resources/functions/dispatch.sh");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OidcIssuer.class));
        }
    }

    @ConfigProperty(name = "watchdog.jwt-auth-issuer-url")
    String issuer;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private Tokens tokens() {
        return new Tokens(issuer);
    }

    private static ValidatableResponse call(String authorization) {
        var request = given();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request.get("/env").then();
    }

    private static void assertUnauthorized(ValidatableResponse response, String body) {
        response.statusCode(401).body(equalTo(body + "\n"))
                .header("WWW-Authenticate", "Bearer realm=IAM function invoke")
                .header("X-OpenFaaS-Internal", "faas-middleware");
    }

    @Test
    void missingTokenIs401() {
        assertUnauthorized(call(null), "Bearer must be present in Authorization header");
        assertUnauthorized(call("Basic dXNlcjpwYXNz"), "Bearer must be present in Authorization header");
        assertUnauthorized(call("Bearer "), "Bearer must be present in Authorization header");
    }

    @Test
    void validTokensReachTheFunctionWithAuthSeconds() {
        Tokens tokens = tokens();
        for (String kid : List.of(OidcIssuer.RSA, OidcIssuer.EC)) {
            String env = call("Bearer " + tokens.sign(tokens.claims("openfaas-fn:echo"), kid)).statusCode(200)
                    .extract().asString();
            assertTrue(env.matches("(?s).*Http_X_Auth_Seconds=\\d+\\.\\d{6}\n.*"), env);
        }
        given().header("Authorization", "bearer " + tokens.sign(tokens.claims("*"), OidcIssuer.RSA)).get("/env")
                .then().statusCode(200);
    }

    static Stream<Arguments> rejected() {
        long now = System.currentTimeMillis() / 1000;
        return Stream.of(
                Arguments.of("malformed", (TokenMaker) t -> "not.a.jwt", "invalid token: malformed"),
                Arguments.of("garbage", (TokenMaker) t -> "abc", "invalid token: malformed"),
                Arguments.of("bad signature", (TokenMaker) t -> t.signAs(t.claims("*"), OidcIssuer.ROGUE, OidcIssuer.RSA),
                        "invalid token: bad signature"),
                Arguments.of("unknown key", (TokenMaker) t -> t.sign(t.claims("*"), OidcIssuer.ROGUE),
                        "invalid token: unknown key id " + OidcIssuer.ROGUE),
                Arguments.of("wrong issuer", (TokenMaker) t -> t.sign(t.claims("*").issuer("http://evil.example"),
                        OidcIssuer.RSA), "invalid token: wrong issuer"),
                Arguments.of("wrong audience", (TokenMaker) t -> t.sign(t.claims("*").audience("some-other-service"),
                        OidcIssuer.RSA), "invalid token: wrong audience"),
                Arguments.of("expired 5 s ago (1 s leeway)", (TokenMaker) t -> t.sign(t.claims("*").issuedAt(now - 100)
                        .expiresAt(now - 5), OidcIssuer.RSA), "invalid token: expired"),
                Arguments.of("not yet valid", (TokenMaker) t -> t.sign(t.claims("*").claim("nbf", now + 60),
                        OidcIssuer.RSA), "invalid token: not yet valid"),
                Arguments.of("alg none", (TokenMaker) t -> t.unsigned(OidcIssuer.RSA), "invalid token: algorithm not allowed"),
                Arguments.of("HS256 with the public key", (TokenMaker) t -> t.hmacWithPublicKey(OidcIssuer.RSA),
                        "invalid token: algorithm not allowed"));
    }

    interface TokenMaker {
        String make(Tokens tokens);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedTokensAre401(String name, TokenMaker maker, String body) {
        assertUnauthorized(call("Bearer " + maker.make(tokens())), body);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("grants")
    void functionClaimDecides(List<String> permissions, List<String> audience, int status) {
        Tokens tokens = tokens();
        JwtClaimsBuilder claims = tokens.claims().claim("function", Map.of("permissions", permissions, "audience", audience));
        ValidatableResponse response = call("Bearer " + tokens.sign(claims, OidcIssuer.RSA)).statusCode(status);
        if (status == 403) {
            response.body(equalTo("insufficient permissions\n")).header("X-OpenFaaS-Internal", "faas-middleware");
        }
    }

    static Stream<Arguments> grants() {
        return Stream.of(
                Arguments.of(List.of("openfaas-fn:echo"), List.of(), 200),
                Arguments.of(List.of("openfaas-fn:*"), List.of(), 200),
                Arguments.of(List.of("*:echo"), List.of("openfaas-fn:*"), 200),
                Arguments.of(List.of("*"), List.of(), 200),
                Arguments.of(List.of("other:*", "openfaas-fn:ec*o"), List.of(), 200),
                Arguments.of(List.of("openfaas-fn:echo-2"), List.of(), 403),
                Arguments.of(List.of("fn:echo"), List.of(), 403),
                Arguments.of(List.of("openfaas-fn:ech"), List.of(), 403),
                Arguments.of(List.of("openfaas-fn:echo"), List.of("other:*"), 403),
                Arguments.of(List.of(), List.of(), 403));
    }

    /** A token that passed is remembered, but not past its expiry (plus the 1 s leeway). */
    @Test
    void aRememberedTokenStillExpires() throws Exception {
        Tokens tokens = tokens();
        long now = System.currentTimeMillis() / 1000;
        String shortLived = "Bearer " + tokens.sign(tokens.claims("*").expiresAt(now + 2), OidcIssuer.RSA);
        call(shortLived).statusCode(200);
        call(shortLived).statusCode(200);
        Thread.sleep((now + 4) * 1000 - System.currentTimeMillis());
        assertUnauthorized(call(shortLived), "invalid token: expired");
    }

    @Test
    void noFunctionClaimIs403() {
        Tokens tokens = tokens();
        call("Bearer " + tokens.sign(io.smallrye.jwt.build.Jwt.issuer(issuer).audience(issuer), OidcIssuer.RSA))
                .statusCode(403);
    }

    @Test
    void privateEndpointsAndMetricsNeedNoTokenAndDenialsAreCounted() throws Exception {
        given().get("/_/health").then().statusCode(200);
        given().get("/_/ready").then().statusCode(200);
        Metrics before = Metrics.scrape(metrics.toURI());
        call(null).statusCode(401);
        call("Bearer " + tokens().sign(tokens().claims("other:fn"), OidcIssuer.RSA)).statusCode(403);
        Metrics after = Metrics.scrape(metrics.toURI());
        assertEquals(1, after.requests(401, "get") - before.requests(401, "get"));
        assertEquals(1, after.requests(403, "get") - before.requests(403, "get"));
    }

    /**
     * The issuer publishes a new key while we run: a token signed with it triggers a key refresh and then passes.
     * Unknown keys do not make us fetch more than once per refresh gap.
     */
    @Test
    void keyRotationWhileRunning() throws Exception {
        Tokens tokens = tokens();
        String rotated = tokens.sign(tokens.claims("*"), OidcIssuer.ROTATED);
        tokens.get("/rotate");
        long deadline = System.nanoTime() + IssuerKeys.MIN_REFRESH_GAP.toNanos() + 5_000_000_000L;
        int status;
        do {
            status = call("Bearer " + rotated).extract().statusCode();
            if (status != 200) {
                Thread.sleep(250);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "the rotated key is fetched and used");

        int fetches = Integer.parseInt(tokens.get("/fetches"));
        String rogue = tokens.sign(tokens.claims("*"), OidcIssuer.ROGUE);
        for (int i = 0; i < 20; i++) {
            call("Bearer " + rogue).statusCode(401).body(containsString("unknown key id"));
        }
        assertTrue(Integer.parseInt(tokens.get("/fetches")) - fetches <= 1, "unknown keys are rate-limited");
    }
}
