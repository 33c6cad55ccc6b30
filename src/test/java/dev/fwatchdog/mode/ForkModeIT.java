package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import dev.fwatchdog.support.Clients;
import dev.fwatchdog.support.Pids;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fork modes on the packaged watchdog: what only a separate process shows (its log, its memory, its leaks). */
class ForkModeIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final String DISPATCH = "sh src/test/resources/functions/dispatch.sh";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = { "serializing", "streaming" })
    void missingProgramIsA500NamingIt(String mode) throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", mode, "fprocess", "/no/such/function --flag"))) {
            watchdog.awaitHealthy(START);
            HttpResponse<String> response = watchdog.post("/", "x");
            assertEquals(500, response.statusCode());
            assertTrue(response.body().contains("\"/no/such/function\""), response.body());
            assertEquals(200, watchdog.get("/_/health").statusCode(), "the watchdog itself stays healthy");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "serializing", "streaming" })
    void stderrIsForwardedLineByLineAndCallsAreLogged(String mode) throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", mode, "fprocess", DISPATCH,
                "log_callid", "true"))) {
            watchdog.awaitHealthy(START);
            assertEquals("ok\n", watchdog.send(HttpRequest.newBuilder(watchdog.uri("/stderr"))
                    .header("X-Call-Id", "call-42").POST(HttpRequest.BodyPublishers.noBody()).build()).body());
            watchdog.awaitStderr("POST /stderr - 200", START);
            String log = watchdog.stderr();
            String date = "\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d ";
            assertTrue(Pattern.compile("(?m)^" + date + "stderr: line one$").matcher(log).find(), log);
            assertTrue(Pattern.compile("(?m)^" + date + "stderr: line two$").matcher(log).find(), log);
            assertTrue(Pattern.compile("(?m)^" + date + "POST /stderr - 200 - ContentLength: 3B \\(\\d+\\.\\d{4}s\\) \\[call-42\\]$")
                    .matcher(log).find(), log);
            // sizes as of-watchdog writes them in every mode: decimal units, four significant digits
            assertEquals(1234, watchdog.send(HttpRequest.newBuilder(watchdog.uri("/sized"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1234])).build()).body().length());
            watchdog.awaitStderr("POST /sized - 200 - ContentLength: 1.234kB (", START);
        }
    }

    @Test
    void rawFunctionLogLinesWithoutPrefix() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "streaming", "fprocess", DISPATCH,
                "prefix_logs", "false"))) {
            watchdog.awaitHealthy(START);
            watchdog.post("/stderr", "");
            watchdog.awaitStderr("no newline at the end", START);
            assertTrue(watchdog.stderr().lines().anyMatch("line one"::equals), watchdog.stderr());
        }
    }

    /** 1 GiB through cat and back with a 64 MiB heap: streaming keeps memory flat in both directions. */
    @Test
    void oneGibibyteThroughCatWithSmallHeap() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(List.of("-Xmx64m"),
                Map.of("mode", "streaming", "fprocess", "cat", "exec_timeout", "0", "read_timeout", "10m",
                        "write_timeout", "10m"))) {
            watchdog.awaitHealthy(START);
            Path sent = tmp.resolve("sent.sha256");
            Path received = tmp.resolve("received.sha256");
            String pipeline = "head -c 1073741824 /dev/urandom | tee >(sha256sum > " + sent + ") "
                    + "| curl -sS --fail -T - -X POST " + watchdog.uri("/big") + " | sha256sum > " + received;
            Process client = new ProcessBuilder("bash", "-c", pipeline).inheritIO().start();
            assertTrue(client.waitFor(5, TimeUnit.MINUTES), "1 GiB did not pass within 5 minutes");
            assertEquals(0, client.exitValue());
            // tee's sha256sum runs in a process substitution, which bash does not wait for
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.readString(sent).length() < 64 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String expected = Files.readString(sent).split(" ")[0];
            assertEquals(64, expected.length());
            assertEquals(expected, Files.readString(received).split(" ")[0]);
            watchdog.awaitStderr("POST /big - 200 - ContentLength: 1.074GB (", START);
        }
    }

    /**
     * Streams past a MiB move around Vert.x (RawConnection), where Netty neither reads nor writes the connection: the
     * deadlines still cut it, the function still dies, and the threads waiting on it are woken. A client that stops
     * sending a big body meets read_timeout; one that stops reading a big answer, write_timeout.
     */
    @Test
    void bigStreamsMeetTheirDeadlines() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "streaming", "fprocess", DISPATCH,
                "exec_timeout", "0", "read_timeout", "1s", "write_timeout", "2s"))) {
            watchdog.awaitHealthy(START);
            Path pids = tmp.resolve("pids");
            try (Socket stalled = new Socket("127.0.0.1", watchdog.port)) {
                stalled.setSoTimeout(10_000);
                OutputStream out = stalled.getOutputStream();
                out.write(("POST /sleep-silent HTTP/1.1\r\nHost: x\r\nX-Pid-File: " + pids
                        + "\r\nContent-Length: 10485760\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[64 * 1024]);
                out.flush();
                assertEquals(-1, stalled.getInputStream().read(), "the connection is closed, no answer");
            }
            watchdog.awaitStderr("read_timeout 1s passed before the request body was read", START);
            try (Socket deaf = new Socket("127.0.0.1", watchdog.port)) {
                deaf.setReceiveBufferSize(64 * 1024);
                deaf.getOutputStream().write(("GET /endless HTTP/1.1\r\nHost: x\r\nX-Pid-File: " + pids
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                watchdog.awaitStderr("write_timeout 2s passed before the response was written", START);
            }
            // Reaped, not only killed: the thread that reads each one's output has let go of the connection.
            Pids.awaitAllReaped(Pids.await(pids, 2, Duration.ofSeconds(5)), Duration.ofSeconds(5));
            assertEquals("small", watchdog.post("/echo", "small").body(), "the watchdog goes on serving");
        }
    }

    /**
     * serializing holds the body and the answer in the heap: past half of it (32 MiB with -Xmx64m) a body gets a 413,
     * declared or chunked, and an answer a 500, and the watchdog goes on serving. It used to stall on a 200 MB body
     * until read_timeout.
     */
    @Test
    void serializingBoundsWhatItHoldsInMemory() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(List.of("-Xmx64m"),
                Map.of("mode", "serializing", "fprocess", DISPATCH))) {
            watchdog.awaitHealthy(START);
            for (boolean chunked : new boolean[] { false, true }) {
                String answer = Clients.earlyAnswer(watchdog.port, "/echo", 40 << 20, chunked);
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                assertTrue(answer.contains("request body larger than "), answer);
            }

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            byte[] body = new byte[12 << 20];
            new java.util.Random(7).nextBytes(body);
            HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(watchdog.uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, echoed.statusCode());
            assertTrue(java.util.Arrays.equals(body, echoed.body()), "12 MiB echoed whole");

            HttpResponse<String> flood = watchdog.post("/big-output", "");
            assertEquals(500, flood.statusCode());
            assertTrue(flood.body().startsWith("function output larger than "), flood.body());
            watchdog.awaitStderr("POST /big-output - 500", START);
            assertTrue(watchdog.stderr().contains("POST /echo - 413"), watchdog.stderr());
            assertEquals(200, watchdog.get("/_/health").statusCode());
        }
    }

    /**
     * 2,000 calls at 8 at a time: afterwards no more file descriptors, threads or child processes than before (a leak
     * of one per call would show 2,000 times; 5,000 cost the suite another 50 s). In a 32 MB heap, each request with
     * an 8 KiB header over 8 keep-alive connections: a call kept in memory past its end fills it (streaming mode did,
     * through a listener on the connection per call).
     */
    @ParameterizedTest
    @ValueSource(strings = { "serializing", "streaming" })
    void noLeaksAfterTwoThousandCalls(String mode) throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(List.of("-Xmx32m"), Map.of("mode", mode, "fprocess", "cat"))) {
            watchdog.awaitHealthy(START);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            load(watchdog, client, 400);
            Thread.sleep(500);
            Resources before = Resources.of(watchdog.pid());
            assertEquals(2_000, load(watchdog, client, 2_000));
            // the last calls' processes are reaped and their pipes closed just after their answers
            Resources after = Resources.of(watchdog.pid());
            for (int i = 0; i < 500 && (after.children() > 0 || after.fds() > before.fds() + 2); i++) {
                Thread.sleep(20);
                after = Resources.of(watchdog.pid());
            }
            assertEquals(0, after.children(), "child processes left: " + after);
            assertTrue(after.fds() <= before.fds() + 2, "file descriptors: " + before + " -> " + after);
            assertTrue(after.threads() <= before.threads() + 2, "threads: " + before + " -> " + after);
            // Process I/O threads idle in their pool for a while; they are bounded by the concurrency, not the count.
            assertTrue(after.ioThreads() <= 3 * 8 + 3, "process I/O threads: " + before + " -> " + after);
        }
    }

    /** Sends {@code count} POSTs, 8 at a time; returns how many came back 200 with the body echoed. */
    private static int load(WatchdogProcess watchdog, HttpClient client, int count) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(8);
        AtomicInteger remaining = new AtomicInteger(count);
        AtomicInteger ok = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        String body = "x".repeat(1024);
        String padding = "p".repeat(8192);
        for (int i = 0; i < 8; i++) {
            workers.add(senders.submit(() -> {
                while (remaining.getAndDecrement() > 0) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(watchdog.uri("/load"))
                            .header("X-Padding", padding).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200 && response.body().equals(body)) {
                        ok.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(5, TimeUnit.MINUTES);
        }
        senders.shutdown();
        return ok.get();
    }

    /** Open file descriptors, threads (process I/O threads apart) and child processes of a process. */
    private record Resources(long fds, long threads, long ioThreads, long children) {
        static Resources of(long pid) throws Exception {
            Path proc = Path.of("/proc", Long.toString(pid));
            List<String> names = new ArrayList<>();
            try (var tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        names.add(Files.readString(task.resolve("comm")).trim());
                    } catch (java.io.IOException ended) {
                        // the thread ended while we looked
                    }
                }
            }
            long io = names.stream().filter(name -> name.startsWith("function-io")).count();
            try (var fds = Files.list(proc.resolve("fd"))) {
                return new Resources(fds.count(), names.size() - io, io,
                        ProcessHandle.of(pid).orElseThrow().children().count());
            }
        }
    }
}
