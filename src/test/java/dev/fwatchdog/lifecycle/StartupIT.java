package dev.fwatchdog.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.fwatchdog.support.Metrics;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The watchdog started as a user starts it: its command, its environment variables, its exit code, its log. */
class StartupIT {

    private static final Duration START = Duration.ofSeconds(30);

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "exec_timeout", "1.5"),
                        "invalid exec_timeout \"1.5\": want a duration like 10s or a number of seconds"),
                Arguments.of(Map.of("mode", "afterburn", "fprocess", "cat", "afterburn_workers", "0"),
                        "invalid afterburn_workers \"0\": want a whole number of workers, 1 or more"),
                Arguments.of(Map.of("mode", "inproc", "fprocess", "cat"),
                        "invalid mode \"inproc\": want one of http, serializing, streaming, static, afterburn"),
                Arguments.of(Map.of("mode", "HTTP", "fprocess", "cat"),
                        "invalid mode \"HTTP\": want one of http, serializing, streaming, static, afterburn"),
                Arguments.of(Map.of("mode", "serializing"),
                        "missing fprocess: mode serializing needs the function's command line in fprocess (or function_process)"),
                Arguments.of(Map.of("mode", "http", "fprocess", "node index.js"),
                        "missing upstream_url: mode http needs the function server's URL, e.g. http://127.0.0.1:3000"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "write_timeout", "0"),
                        "invalid write_timeout \"0\": want a duration above zero, like 10s: responses need time to be written"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "port", "70000"),
                        "invalid port \"70000\": want a port number from 1 to 65535"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "port", "http"),
                        "invalid port \"http\": want a port number from 1 to 65535"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "metrics_port", "0"),
                        "invalid metrics_port \"0\": want a port number from 1 to 65535"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "suppress_lock", "yes"),
                        "invalid suppress_lock \"yes\": want true, false, 1 or 0"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "max_inflight", "-3"),
                        "invalid max_inflight \"-3\": want a whole number of requests, 0 for no limit"),
                Arguments.of(Map.of("mode", "serializing", "fprocess", "cat", "log_format", "xml"),
                        "invalid log_format \"xml\": want text or json"),
                Arguments.of(Map.of("mode", "static", "static_path", "/no/such/dir"),
                        "invalid static_path \"/no/such/dir\": want a directory to serve files from"));
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void badSettingStopsTheStartWithOneLine(Map<String, String> environment, String expected) throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(environment)) {
            assertEquals(1, watchdog.awaitExit(START));
            List<String> lines = watchdog.stderrLines();
            assertEquals(1, lines.size(), "one line on stderr, got:\n" + watchdog.stderr());
            assertTrue(lines.get(0).matches("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d .*"), lines.get(0));
            assertTrue(lines.get(0).endsWith(" " + expected), lines.get(0));
            assertFalse(Files.exists(watchdog.lockFile()));
        }
    }

    /** afterburn mode starts its workers with the watchdog: a program that cannot run stops the start. */
    @Test
    void anAfterburnWorkerThatCannotStartStopsTheStart() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "afterburn", "fprocess",
                "no-such-worker --serve"))) {
            assertEquals(1, watchdog.awaitExit(START));
            List<String> lines = watchdog.stderrLines();
            assertTrue(lines.get(lines.size() - 1).endsWith(
                    " cannot start fprocess: exec: \"no-such-worker\": executable file not found in $PATH"),
                    watchdog.stderr());
            assertFalse(Files.exists(watchdog.lockFile()));
        }
    }

    @Test
    void busyPortStopsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            try (WatchdogProcess watchdog = WatchdogProcess.start(
                    Map.of("mode", "serializing", "fprocess", "cat", "port", Integer.toString(port)))) {
                assertEquals(1, watchdog.awaitExit(START));
                assertEquals(1, watchdog.stderrLines().size(), watchdog.stderr());
                assertTrue(watchdog.stderr().contains("port " + port + " is already in use by another process"),
                        watchdog.stderr());
            }
            try (WatchdogProcess watchdog = WatchdogProcess.start(
                    Map.of("mode", "serializing", "fprocess", "cat", "metrics_port", Integer.toString(port)))) {
                assertEquals(1, watchdog.awaitExit(START));
                assertTrue(watchdog.stderr().contains("metrics_port " + port + " is already in use by another process"),
                        watchdog.stderr());
            }
        }
    }

    /** The image's AOT cache (src/main/docker/layout.sh): the training start calls itself, then exits 0. */
    @Test
    void trainingStartServesItsFirstCallsThenExits() throws Exception {
        Path cache = Files.createTempDirectory("aot").resolve("app.aot");
        try (WatchdogProcess watchdog = WatchdogProcess.start(
                List.of("-XX:AOTCacheOutput=" + cache, "-Dfwatchdog.train=true", "-Dfwatchdog.train.calls=1000"),
                Map.of("mode", "static", "static_path", "src/test/resources/static-root"))) {
            assertEquals(0, watchdog.awaitExit(Duration.ofSeconds(120)), watchdog.stderr());
            assertTrue(watchdog.stderr().contains("GET /?training=1 - 200 OK"), watchdog.stderr());
            assertTrue(watchdog.stderr().contains("Training done: exiting"), watchdog.stderr());
        }
        // Loaded only once a connection has come: the training calls reached the server.
        String symbols = new String(Files.readAllBytes(cache), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(symbols.contains("io/vertx/core/http/impl/Http1xServerConnection"), "request classes cached");
        Files.delete(cache);
        Files.delete(cache.getParent());
    }

    @Test
    void versionFlag() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of(), "-version")) {
            assertEquals(0, watchdog.awaitExit(START));
            assertTrue(watchdog.stdout().startsWith("Version: "), watchdog.stdout());
        }
    }

    @Test
    void healthcheckFlagLooksForTheLockFile() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of(), "-run-healthcheck")) {
            assertEquals(1, watchdog.awaitExit(START));
            assertEquals("unable to find lock file.\n", watchdog.stdout());
        }
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "serializing", "fprocess", "cat"))) {
            watchdog.awaitHealthy(START);
            try (WatchdogProcess check = WatchdogProcess.start(Map.of("TMPDIR", watchdog.tmpDir.toString()),
                    "-run-healthcheck")) {
                assertEquals(0, check.awaitExit(START), check.stdout());
            }
        }
    }

    @Test
    void startupLinesLockFileAndRemovalOnSigterm() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "serializing", "fprocess", "cat",
                "write_timeout", "1m30s", "exec_timeout", "", "healthcheck_interval", ""))) {
            watchdog.awaitHealthy(START);
            watchdog.awaitStderr("Writing lock-file to: " + watchdog.lockFile(), START);
            String log = watchdog.stderr();
            assertTrue(log.contains("Watchdog mode: serializing\tfprocess: \"cat\""), log);
            assertTrue(log.contains("Timeouts: read: 30s write: 1m30s hard: 30s health: 1m30s"), log);
            assertTrue(log.contains("Listening on port: " + watchdog.port), log);
            assertTrue(log.contains("Metrics listening on port: " + watchdog.metricsPort), log);
            assertTrue(Files.exists(watchdog.lockFile()));
            // of-watchdog's three families are described before the first call, in both formats
            URI metrics = URI.create("http://127.0.0.1:" + watchdog.metricsPort);
            String text = Metrics.fetch(metrics, null).body();
            String open = Metrics.fetch(metrics, "application/openmetrics-text; version=1.0.0").body();
            for (String family : List.of("http_requests_total counter", "http_request_duration_seconds histogram",
                    "http_requests_in_flight gauge")) {
                assertTrue(text.contains("# TYPE " + family + "\n"), text);
                assertTrue(open.contains("# TYPE " + family.replace("_total", "") + "\n"), open);
            }

            assertEquals("hello", watchdog.post("/", "hello").body());

            // SIGTERM removes the lock file at once, then serves on for healthcheck_interval (= write_timeout, 90 s);
            // SIGINT cuts that short.
            watchdog.terminate();
            for (int i = 0; i < 100 && Files.exists(watchdog.lockFile()); i++) {
                Thread.sleep(20);
            }
            assertFalse(Files.exists(watchdog.lockFile()), "the lock file is removed on SIGTERM");
            assertEquals(503, watchdog.get("/_/health").statusCode());
            assertEquals("hello", watchdog.post("/", "hello").body(), "still serving calls");
            watchdog.interrupt();
            assertEquals(130, watchdog.awaitExit(Duration.ofSeconds(10)));
        }
    }

    @Test
    void functionProcessWinsOverFprocess() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(
                Map.of("mode", "serializing", "fprocess", "cat", "function_process", "printenv Http_Method"))) {
            watchdog.awaitHealthy(START);
            assertTrue(watchdog.stderr().contains("fprocess: \"printenv Http_Method\""), watchdog.stderr());
            assertEquals("POST\n", watchdog.post("/", "").body());
        }
    }

    @Test
    void suppressLockAnswersHealthFromState() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(
                Map.of("mode", "serializing", "fprocess", "cat", "suppress_lock", "true"))) {
            watchdog.awaitHealthy(START);
            assertEquals(200, watchdog.get("/_/ready").statusCode());
            assertTrue(watchdog.stderr().contains("\"suppress_lock\" is enabled"), watchdog.stderr());
            assertFalse(Files.exists(watchdog.lockFile()));
        }
    }

    @Test
    void metricsOnTheMetricsPort() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "serializing", "fprocess", "cat"))) {
            watchdog.awaitHealthy(START);
            watchdog.post("/x", "y");
            // A call is counted once its answer has gone out: a scrape on the other port may come just before.
            Metrics.await(URI.create("http://127.0.0.1:" + watchdog.metricsPort), m -> m.requests(200, "post") == 1,
                    START);
        }
    }
}
