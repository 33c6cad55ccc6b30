package dev.fwatchdog.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.fwatchdog.support.OidcIssuer;
import dev.fwatchdog.support.Tokens;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** jwt_auth on the packaged watchdog: http mode behind it, jwt_auth_debug, and the start-up failures. */
class JwtIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static OidcIssuer issuer;

    @BeforeAll
    static void startIssuer() {
        issuer = new OidcIssuer().begin();
    }

    @AfterAll
    static void stopIssuer() {
        issuer.end();
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("jwt_auth", "true", "jwt_auth_issuer_url", issuer.url(),
                "OPENFAAS_NAME", "echo", "OPENFAAS_NAMESPACE", "openfaas-fn"));
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                env.remove(pairs[i]);
            } else {
                env.put(pairs[i], pairs[i + 1]);
            }
        }
        return env;
    }

    @Test
    void httpModeBehindJwtWithDebugLines() throws Exception {
        int upstream = WatchdogProcess.freePort();
        Tokens tokens = new Tokens(issuer.url());
        String token = tokens.sign(tokens.claims("openfaas-fn:echo"), OidcIssuer.EC);
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "http",
                "fprocess", "java -cp target/test-classes dev.fwatchdog.support.TestUpstream " + upstream,
                "upstream_url", "http://127.0.0.1:" + upstream, "jwt_auth_debug", "true"))) {
            watchdog.awaitHealthy(START);
            HttpResponse<String> denied = watchdog.get("/headers");
            assertEquals(401, denied.statusCode());
            HttpResponse<String> allowed = null;
            for (int i = 0; i < 200 && (allowed == null || allowed.statusCode() != 200); i++) {
                allowed = watchdog.send(HttpRequest.newBuilder(watchdog.uri("/headers"))
                        .header("Authorization", "Bearer " + token).build());
                Thread.sleep(allowed.statusCode() == 200 ? 0 : 50);
            }
            assertEquals(200, allowed.statusCode(), allowed.body());
            assertTrue(allowed.body().matches("(?s).*\nx-auth-seconds: \\d+\\.\\d{6}\n.*"), allowed.body());

            String log = watchdog.stderr();
            assertTrue(log.contains("JWT auth on for openfaas-fn:echo, issuer " + issuer.url()), log);
            assertTrue(log.contains("jwt_auth_debug: jwks_uri " + issuer.url() + "/jwks, key ids ["), log);
            assertTrue(log.contains("jwt_auth_debug: GET /headers kid=" + OidcIssuer.EC + " iss=" + issuer.url()
                    + " aud=[" + issuer.url() + "]"), log);
            assertTrue(log.contains("jwt_auth: 401 for GET /headers: Bearer must be present in Authorization header"), log);
            assertFalse(log.contains(token.substring(token.lastIndexOf('.') + 1)), "the token is never logged");
            assertFalse(log.contains(token.substring(0, token.indexOf('.'))), "the token is never logged");
        }
    }

    @Test
    void startupFailuresAreOneLine() throws Exception {
        int deadPort = WatchdogProcess.freePort();
        List<Map.Entry<Map<String, String>, String>> cases = List.of(
                Map.entry(env("mode", "serializing", "fprocess", "cat", "OPENFAAS_NAME", null),
                        "missing OPENFAAS_NAME: jwt_auth=true needs the function's name to check tokens against"),
                Map.entry(env("mode", "serializing", "fprocess", "cat", "OPENFAAS_NAMESPACE", null),
                        "missing OPENFAAS_NAMESPACE: jwt_auth=true needs the function's namespace, and "
                                + "/var/run/secrets/kubernetes.io/serviceaccount/namespace cannot be read"),
                Map.entry(env("mode", "serializing", "fprocess", "cat", "jwt_auth_issuer_url",
                        "http://127.0.0.1:" + deadPort), "jwt_auth: cannot load the issuer's keys via http://127.0.0.1:"
                                + deadPort + "/.well-known/openid-configuration: "));
        for (var entry : cases) {
            try (WatchdogProcess watchdog = WatchdogProcess.start(entry.getKey())) {
                assertEquals(1, watchdog.awaitExit(START), watchdog.stderr());
                List<String> lines = watchdog.stderrLines();
                assertEquals(1, lines.size(), "one line: " + lines);
                assertTrue(lines.get(0).matches("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d .*"), lines.get(0));
                assertTrue(lines.get(0).contains(entry.getValue()), lines.get(0));
            }
        }
    }
}
