package dev.fwatchdog.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.fwatchdog.support.Pids;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog's life and death as Kubernetes drives it: real signals to the packaged jar, real clients. */
class LifecycleIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final String DISPATCH = "sh src/test/resources/functions/dispatch.sh";

    @TempDir
    Path tmp;

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /**
     * SIGTERM with a slow call in flight: health turns 503 at once while calls are still served for
     * healthcheck_interval, then new calls are turned away, the slow call completes, and only then does the function
     * server (a JVM that dies on SIGTERM, as node does) get its signal. Exit 0.
     */
    @Test
    void sigtermServesDrainsThenStopsTheFunctionServer() throws Exception {
        int upstream = WatchdogProcess.freePort();
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "http",
                "fprocess", "java -cp target/test-classes dev.fwatchdog.support.TestUpstream " + upstream,
                "upstream_url", "http://127.0.0.1:" + upstream, "healthcheck_interval", "3s", "write_timeout", "30s"))) {
            watchdog.awaitHealthy(START);
            awaitStatus(watchdog, "/_/ready", 200);
            CompletableFuture<HttpResponse<String>> slow = watchdog.sendAsync(
                    HttpRequest.newBuilder(watchdog.uri("/slow?ms=5000")).build());
            watchdog.awaitInFlight(1, START);
            long signalled = System.nanoTime();
            watchdog.terminate();

            awaitStatus(watchdog, "/_/health", 503);
            assertEquals(503, watchdog.get("/_/ready").statusCode());
            assertFalse(Files.exists(watchdog.lockFile()), "the lock file goes at once");
            HttpResponse<String> during = watchdog.get("/slow?ms=10");
            assertEquals(200, during.statusCode(), "calls are still served during healthcheck_interval");

            watchdog.awaitStderr("No longer accepting calls; draining 1 in flight", START);
            HttpResponse<String> after = watchdog.get("/slow?ms=10");
            assertEquals(503, after.statusCode(), "after the interval new calls are turned away");
            assertEquals("of-watchdog", after.headers().firstValue("X-OpenFaaS-Internal").orElseThrow());

            HttpResponse<String> answer = slow.get(20, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertEquals("slow", answer.body());
            assertEquals(0, watchdog.awaitExit(Duration.ofSeconds(10)));
            long total = millisSince(signalled);
            assertTrue(total < 30_000, "exits once drained, not at write_timeout: took " + total + " ms");

            String log = watchdog.stderr();
            int term = log.indexOf("SIGTERM: /_/health and /_/ready answer 503");
            int draining = log.indexOf("No longer accepting calls");
            int drained = log.indexOf("All calls completed");
            int childStopped = log.indexOf("Stopping the function process");
            assertTrue(term >= 0 && term < draining && draining < drained && drained < childStopped,
                    "steps logged in order:\n" + log);
        }
    }

    /** The function server's own child processes do not outlive the watchdog either, though it exits on SIGTERM. */
    @Test
    void sigtermAlsoEndsWhatTheFunctionServerStarted() throws Exception {
        int upstream = WatchdogProcess.freePort();
        Path pids = tmp.resolve("pids");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "http",
                "fprocess", "sh src/test/resources/functions/server-with-helper.sh " + upstream + " " + pids,
                "upstream_url", "http://127.0.0.1:" + upstream))) {
            watchdog.awaitHealthy(START);
            awaitStatus(watchdog, "/_/ready", 200);
            List<Long> helper = Pids.await(pids, 1, START);
            assertTrue(Pids.running(helper.get(0)));
            watchdog.terminate();
            assertEquals(0, watchdog.awaitExit(Duration.ofSeconds(15)));
            Pids.awaitAllEnded(helper, Duration.ofSeconds(2));
        }
    }

    /** The drain is capped by write_timeout: a call that outlasts it is cut, and its processes die with it. */
    @Test
    void drainEndsAtWriteTimeoutAndNoFunctionProcessSurvives() throws Exception {
        Path pids = tmp.resolve("pids");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "streaming", "fprocess", DISPATCH,
                "exec_timeout", "0", "write_timeout", "3s"))) {
            CompletableFuture<HttpResponse<String>> stuck = callSpawningGrandchildren(watchdog, pids);
            List<Long> started = Pids.await(pids, 4, START);
            long signalled = System.nanoTime();
            watchdog.terminate();
            assertEquals(0, watchdog.awaitExit(Duration.ofSeconds(10)));
            assertTrue(millisSince(signalled) < 3000 + 3000, "took " + millisSince(signalled) + " ms");
            Pids.awaitAllEnded(started, Duration.ofSeconds(2));
            assertTrue(stuck.handle((response, failure) -> failure != null || response.statusCode() != 200)
                    .get(5, TimeUnit.SECONDS), "the cut call does not look like a success");
        }
    }

    /** SIGINT is the fast way out: no interval, no drain, and the function processes in flight are killed. */
    @Test
    void sigintExitsAtOnceAndKillsRunningFunctions() throws Exception {
        Path pids = tmp.resolve("pids");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "serializing", "fprocess", DISPATCH,
                "exec_timeout", "0", "healthcheck_interval", "30s"))) {
            callSpawningGrandchildren(watchdog, pids);
            List<Long> started = Pids.await(pids, 4, START);
            long signalled = System.nanoTime();
            watchdog.interrupt();
            assertEquals(130, watchdog.awaitExit(Duration.ofSeconds(10)));
            assertTrue(millisSince(signalled) < 5000, "took " + millisSince(signalled) + " ms");
            Pids.awaitAllEnded(started, Duration.ofSeconds(2));
        }
    }

    /** Slowloris: a body sent one byte at a time is cut at read_timeout, and the function it fed is killed. */
    @Test
    void readTimeoutCutsASlowUpload() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "streaming", "fprocess", "cat",
                "read_timeout", "2s"));
                Socket socket = new Socket("127.0.0.1", watchdog.awaitHealthy(START).port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException cut) {
                    // the watchdog closed the connection
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            assertConnectionEnds(socket.getInputStream());
            long millis = millisSince(start);
            assertTrue(millis >= 1800 && millis < 6000, "cut after " + millis + " ms");
            watchdog.awaitStderr("POST /upload: read_timeout 2s passed before the request body was read", START);
            assertEquals(200, watchdog.get("/_/health").statusCode(), "the watchdog itself goes on");
        }
    }

    /** A response not written within write_timeout is cut; the function behind it is killed. */
    @Test
    void writeTimeoutCutsASlowResponse() throws Exception {
        Path pids = tmp.resolve("pids");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "serializing", "fprocess", DISPATCH,
                "exec_timeout", "0", "write_timeout", "2s"))) {
            watchdog.awaitHealthy(START);
            long start = System.nanoTime();
            CompletableFuture<HttpResponse<String>> call = watchdog.sendAsync(HttpRequest.newBuilder(
                    watchdog.uri("/sleep")).header("X-Pid-File", pids.toString()).build());
            List<Long> started = Pids.await(pids, 1, START);
            assertTrue(call.handle((response, failure) -> failure != null).get(10, TimeUnit.SECONDS),
                    "the client sees the connection cut");
            long millis = millisSince(start);
            assertTrue(millis >= 1800 && millis < 6000, "cut after " + millis + " ms");
            watchdog.awaitStderr("GET /sleep: write_timeout 2s passed before the response was written", START);
            Pids.awaitAllEnded(started, Duration.ofSeconds(3));
        }
    }

    /** A function that writes 100 MB of log lines fast is never held up by its forwarding. */
    @Test
    void hundredMegabytesOfLogsFlowThrough() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(env("mode", "serializing", "fprocess", DISPATCH,
                "exec_timeout", "2m"))) {
            watchdog.awaitHealthy(START);
            long start = System.nanoTime();
            HttpResponse<String> response = watchdog.get("/flood");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("flooded\n", response.body());
            assertTrue(millisSince(start) < 60_000, "took " + millisSince(start) + " ms");
            for (int i = 0; i < 300 && watchdog.stderrBytes() < 100_000_000; i++) {
                Thread.sleep(100);
            }
            assertTrue(watchdog.stderrBytes() > 100_000_000, "forwarded " + watchdog.stderrBytes() + " bytes");
        }
    }

    /** Once the watchdog is up, a call to a function that starts grandchildren and waits; their pids go to pids. */
    private static CompletableFuture<HttpResponse<String>> callSpawningGrandchildren(WatchdogProcess watchdog, Path pids)
            throws InterruptedException {
        watchdog.awaitHealthy(START);
        return watchdog.sendAsync(HttpRequest.newBuilder(watchdog.uri("/grandchildren"))
                .header("X-Pid-File", pids.toString()).build());
    }

    private static void assertConnectionEnds(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // a response, if any, then the end
            }
        } catch (java.net.SocketException reset) {
            // closed hard: also an end
        }
    }

    private static void awaitStatus(WatchdogProcess watchdog, String path, int status) throws Exception {
        for (int i = 0; i < 400; i++) {
            if (watchdog.get(path).statusCode() == status) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError(path + " never answered " + status + ": " + watchdog.stderr());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
