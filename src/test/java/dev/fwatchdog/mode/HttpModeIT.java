package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fwatchdog.support.Pids;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** http mode on the packaged watchdog: the function server's life and death, and the log. */
class HttpModeIT {

    private static final Duration START = Duration.ofSeconds(30);

    private static Map<String, String> http(int upstreamPort, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("mode", "http",
                "fprocess", "java -cp target/test-classes dev.fwatchdog.support.TestUpstream " + upstreamPort,
                "upstream_url", "http://127.0.0.1:" + upstreamPort));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static long childPid(WatchdogProcess watchdog) throws InterruptedException {
        watchdog.awaitStderr("Started function process, pid ", START);
        Matcher pid = Pattern.compile("Started function process, pid (\\d+)").matcher(watchdog.stderr());
        assertTrue(pid.find());
        return Long.parseLong(pid.group(1));
    }

    @ParameterizedTest
    @ValueSource(ints = { 3, 0 })
    void theWatchdogExitsWithTheFunctionServersCode(int code) throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(http(WatchdogProcess.freePort()))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            assertEquals(200, watchdog.get("/exit?code=" + code).statusCode());
            assertEquals(code, watchdog.awaitExit(START));
            assertTrue(watchdog.stderr().contains("Function process exited with code " + code), watchdog.stderr());
        }
    }

    @Test
    void callsBeforeTheServerIsUpWaitForIt() throws Exception {
        int port = WatchdogProcess.freePort();
        Map<String, String> env = http(port);
        env.put("fprocess", env.get("fprocess") + " 2500");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env)) {
            watchdog.awaitHealthy(START);
            HttpResponse<String> early = watchdog.get("/_/ready");
            assertEquals(503, early.statusCode(), "ready before the function server listens: " + early.body());
            assertTrue(early.body().contains("upstream: function server not accepting yet"), early.body());
            HttpResponse<String> call = watchdog.get("/hello");
            assertEquals(200, call.statusCode(), call.body());
            assertEquals("upstream /hello", call.body());
            assertEquals(200, watchdog.get("/_/ready").statusCode());
        }
    }

    @Test
    void aServerThatStopsListeningIsA502() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(http(WatchdogProcess.freePort()))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            try {
                watchdog.get("/drop");
            } catch (java.io.IOException dropped) {
                // the server went away mid-call: that is the point
            }
            long start = System.nanoTime();
            HttpResponse<String> response = watchdog.get("/after");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(502, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("X-Duration-Seconds").orElseThrow().matches("\\d+\\.\\d{6}"));
            assertEquals("of-watchdog", response.headers().firstValue("X-OpenFaaS-Internal").orElseThrow());
            assertTrue(response.body().startsWith("function server error: "), response.body());
            assertTrue(millis < 2000, "a refused connection is answered at once, not after " + millis + " ms");
        }
    }

    @Test
    void sigtermStopsTheFunctionServerToo() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(http(WatchdogProcess.freePort()))) {
            watchdog.awaitHealthy(START);
            long child = childPid(watchdog);
            assertTrue(Pids.running(child));
            watchdog.terminate();
            watchdog.awaitExit(START);
            Pids.awaitAllEnded(List.of(child), Duration.ofSeconds(2));
        }
    }

    @Test
    void callsAreLoggedExceptKubernetesProbes() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(http(WatchdogProcess.freePort(), "log_callid", "true"))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            watchdog.send(HttpRequest.newBuilder(watchdog.uri("/probe-me")).header("User-Agent", "kube-probe/1.29").build());
            watchdog.send(HttpRequest.newBuilder(watchdog.uri("/logged?x=1")).header("X-Call-Id", "abc").build());
            watchdog.awaitStderr("GET /logged?x=1 - 200 OK - ContentLength: 16B (", START);
            String log = watchdog.stderr();
            assertTrue(Pattern.compile("GET /logged\\?x=1 - 200 OK - ContentLength: 16B \\(\\d+\\.\\d{4}s\\) \\[abc\\]")
                    .matcher(log).find(), log);
            assertFalse(log.contains("/probe-me"), log);
            assertTrue(watchdog.stdout().contains("stdout: test upstream listening on"), watchdog.stdout());
        }
    }

    /** 2 GiB up through the proxy with a 64 MiB heap: the request body streams, it is never held. */
    @Test
    void twoGibibyteUploadWithSmallHeap() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(List.of("-Xmx64m"),
                http(WatchdogProcess.freePort(), "exec_timeout", "0", "read_timeout", "10m", "write_timeout", "10m"))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            Process client = new ProcessBuilder("bash", "-c", "head -c 2147483648 /dev/zero | curl -sS --fail "
                    + "-T - -X POST " + watchdog.uri("/headers")).start();
            String answer = new String(client.getInputStream().readAllBytes());
            assertTrue(client.waitFor(5, java.util.concurrent.TimeUnit.MINUTES));
            assertEquals(0, client.exitValue(), new String(client.getErrorStream().readAllBytes()));
            assertTrue(answer.contains("body-bytes: 2147483648"), answer);
        }
    }

    /**
     * http_buffer_req_body holds the body in the heap: one larger than the watchdog may hold (half of -Xmx64m) gets a
     * 413, declared or chunked, and the next call is proxied as usual.
     */
    @Test
    void bufferedBodyTooLargeForTheHeapIsA413() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(List.of("-Xmx64m"),
                http(WatchdogProcess.freePort(), "http_buffer_req_body", "true"))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            for (boolean chunked : new boolean[] { false, true }) {
                String answer = dev.fwatchdog.support.Clients.earlyAnswer(watchdog.port, "/headers", 40 << 20, chunked);
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                assertTrue(answer.contains("request body larger than "), answer);
            }
            HttpResponse<String> next = watchdog.post("/headers", "x".repeat(1 << 20));
            assertEquals(200, next.statusCode());
            assertTrue(next.body().contains("body-bytes: 1048576"), next.body());
            watchdog.awaitStderr("POST /headers - 413", START);
        }
    }

    /** The OpenFaaS Node templates' way: `node index.js`, a plain Node http server, when this machine has node. */
    @Test
    void nodeTemplateStyleFunction() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(nodeInstalled(), "node is not installed");
        int port = WatchdogProcess.freePort();
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "http",
                "fprocess", "node bench/upstream.js " + port, "upstream_url", "http://127.0.0.1:" + port))) {
            watchdog.awaitHealthy(START);
            awaitReady(watchdog);
            HttpResponse<String> response = watchdog.post("/", "ignored");
            assertEquals(200, response.statusCode());
            assertEquals("Hello from the function\n", response.body());
            // of-watchdog's line (Go's formatting of the arguments), which log collectors grep for
            watchdog.awaitStderr("Forking: node, arguments: [bench/upstream.js " + port + "]", START);
            long child = childPid(watchdog);
            watchdog.terminate();
            watchdog.awaitExit(START);
            Pids.awaitAllEnded(List.of(child), Duration.ofSeconds(2));
        }
    }

    private static boolean nodeInstalled() {
        try {
            return new ProcessBuilder("node", "--version").start().waitFor() == 0;
        } catch (java.io.IOException | InterruptedException missing) {
            return false;
        }
    }

    private static void awaitReady(WatchdogProcess watchdog) throws Exception {
        for (int i = 0; i < 400; i++) {
            if (watchdog.get("/_/ready").statusCode() == 200) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("not ready: " + watchdog.stderr());
    }
}
