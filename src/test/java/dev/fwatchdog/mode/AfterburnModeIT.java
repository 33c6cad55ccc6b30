package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.fwatchdog.support.Pids;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** afterburn mode (WATCHDOG.md 4.6) with real workers: a Python one that does what its path says, and a Node one. */
class AfterburnModeIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final String PYTHON_WORKER = "python3 src/test/resources/functions/afterburn_worker.py";
    private static final String NODE_WORKER = "node src/test/resources/functions/afterburn_worker.js";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    private WatchdogProcess start(String... pairs) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("mode", "afterburn", "fprocess", PYTHON_WORKER,
                "PID_FILE", tmp.resolve("pids").toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        WatchdogProcess watchdog = WatchdogProcess.start(env).awaitHealthy(START);
        awaitStatus(watchdog, "/_/ready", 200);
        return watchdog;
    }

    private static HttpResponse<byte[]> call(WatchdogProcess watchdog, String method, String path, byte[] body)
            throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(watchdog.uri(path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> get(WatchdogProcess watchdog, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(watchdog.uri(path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String workerPid(HttpResponse<?> answer) {
        return answer.headers().firstValue("X-Worker-Pid").orElseThrow(() -> new AssertionError("no X-Worker-Pid"));
    }

    @Test
    void echoesBodiesFromNothingToTenMegabytes() throws Exception {
        try (WatchdogProcess watchdog = start()) {
            Random random = new Random(7);
            for (int size : new int[] {0, 1, 1000, 65_536, 200_000, 10 << 20}) {
                byte[] body = new byte[size];
                random.nextBytes(body);
                HttpResponse<byte[]> answer = call(watchdog, "POST", "/echo", body);
                assertEquals(200, answer.statusCode(), "size " + size);
                assertArrayEquals(body, answer.body(), "size " + size);
                assertEquals(Long.toString(size), answer.headers().firstValue("Content-Length").orElseThrow());
                assertTrue(answer.headers().firstValue("X-Duration-Seconds").isPresent());
            }
            watchdog.awaitStderr("POST /echo - 200 OK - ContentLength: 10.49MB", START);
        }
    }

    @Test
    void theWorkerChoosesStatusAndHeadersAndSeesTheRequestAsSent() throws Exception {
        try (WatchdogProcess watchdog = start()) {
            HttpResponse<String> chosen = get(watchdog, "/status?code=201");
            assertEquals(201, chosen.statusCode());
            assertEquals("chosen\n", chosen.body());
            assertEquals("yes", chosen.headers().firstValue("X-Chosen").orElseThrow());
            assertEquals(List.of("a=1", "b=2"), chosen.headers().allValues("Set-Cookie"));
            assertFalse(chosen.headers().firstValue("X-Private").isPresent(), "named in Connection: hop-by-hop");
            assertFalse(chosen.headers().firstValue("Keep-Alive").isPresent());
            assertEquals(404, get(watchdog, "/nowhere").statusCode());

            // Over a plain socket: Java's client will not send Connection or TE.
            String head = rawCall(watchdog, "GET /head?x=1&y=%20 HTTP/1.1\r\nHost: fn.example:8080\r\nx-custom-header: v1\r\n"
                    + "content-type: text/plain\r\nTE: trailers\r\nConnection: X-Drop\r\nX-Drop: dropped\r\n\r\n");
            String requestSeen = head.substring(head.indexOf("\r\n\r\n") + 4);
            List<String> lines = requestSeen.lines().toList();
            assertEquals("GET /head?x=1&y=%20 HTTP/1.1", lines.get(0));
            assertTrue(lines.contains("Host: fn.example:8080"), requestSeen);
            assertTrue(lines.contains("X-Custom-Header: v1"), requestSeen);
            assertTrue(lines.contains("Content-Type: text/plain"), requestSeen);
            assertTrue(lines.contains("Content-Length: 0"), requestSeen);
            assertTrue(lines.stream().noneMatch(line -> line.startsWith("X-Drop") || line.startsWith("Connection")
                    || line.startsWith("Te")), requestSeen);

            HttpResponse<String> chunked = get(watchdog, "/chunked");
            assertEquals(200, chunked.statusCode());
            assertEquals("one,two,three", chunked.body());
            HttpResponse<String> none = get(watchdog, "/nobody");
            assertEquals(204, none.statusCode());
            HttpResponse<byte[]> headCall = call(watchdog, "HEAD", "/echo", new byte[0]);
            assertEquals(200, headCall.statusCode());
            assertEquals(0, headCall.body().length);

            assertEquals("logged", get(watchdog, "/stderr").body());
            watchdog.awaitStderr("stderr: a line on stderr", START);
            assertEquals(1, Pids.read(tmp.resolve("pids")).size(), "one worker served every call");
        }
    }

    @Test
    void workersServeCallsAtOnceAndTheRestWaitTheirTurn() throws Exception {
        try (WatchdogProcess watchdog = start("afterburn_workers", "3")) {
            long begun = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(CLIENT.sendAsync(HttpRequest.newBuilder(watchdog.uri("/sleep?ms=1500")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<Long> finished = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> answer = call.get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode());
                assertEquals("slept", answer.body());
                finished.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun));
            }
            long allDone = finished.stream().mapToLong(Long::longValue).max().orElseThrow();
            // One worker would need 6 s for four calls; three need two rounds of 1.5 s.
            assertTrue(allDone >= 3000 && allDone < 5500, "four 1.5 s calls on three workers took " + allDone + " ms");
            assertEquals(3, Pids.read(tmp.resolve("pids")).size());
        }
    }

    @Test
    void aWorkerThatCrashesOrWritesGarbageGets502AndIsReplaced() throws Exception {
        try (WatchdogProcess watchdog = start()) {
            String first = workerPid(get(watchdog, "/echo"));
            for (String path : List.of("/crash", "/garbage", "/unframed")) {
                HttpResponse<String> failed = get(watchdog, path);
                assertEquals(502, failed.statusCode(), path);
                assertEquals("of-watchdog", failed.headers().firstValue("X-OpenFaaS-Internal").orElseThrow());
                assertTrue(failed.headers().firstValue("X-Duration-Seconds").isPresent());
                assertTrue(failed.body().startsWith("afterburn worker 1 failed: "), failed.body());
                assertEquals(1, failed.body().lines().count(), failed.body());
            }
            String replaced = workerPid(get(watchdog, "/echo"));
            assertNotEquals(first, replaced);
            List<Long> pids = Pids.read(tmp.resolve("pids"));
            assertEquals(4, pids.size(), "three workers replaced: " + pids);
            Pids.awaitAllEnded(pids.subList(0, 3), START);

            // Output past its answer: the answer stands, the worker is not given another call.
            HttpResponse<String> extra = get(watchdog, "/extra");
            assertEquals(200, extra.statusCode());
            assertEquals("ok", extra.body());
            assertNotEquals(workerPid(extra), workerPid(get(watchdog, "/echo")));

            // Broken off after its head: the client sees an error, not a short success.
            assertThrows(IOException.class, () -> get(watchdog, "/partial"));
            watchdog.awaitStderr("GET /partial - 200 aborted (the worker closed its stdout)", START);
            assertEquals(200, get(watchdog, "/echo").statusCode());
            watchdog.awaitInFlight(0, START);
        }
    }

    @Test
    void aWorkerPastExecTimeoutGets504AndItsProcessGroupKilled() throws Exception {
        try (WatchdogProcess watchdog = start("exec_timeout", "1s")) {
            String first = workerPid(get(watchdog, "/echo"));
            HttpResponse<String> timedOut = get(watchdog, "/hang");
            assertEquals(504, timedOut.statusCode());
            assertEquals("of-watchdog", timedOut.headers().firstValue("X-OpenFaaS-Internal").orElseThrow());
            Pids.awaitAllEnded(List.of(Long.parseLong(first)), START);
            assertNotEquals(first, workerPid(get(watchdog, "/echo")));

            // X-Timeout shortens the deadline; the wait for a worker counts in it.
            try (WatchdogProcess one = start("exec_timeout", "10s", "PID_FILE", tmp.resolve("pids2").toString())) {
                CompletableFuture<HttpResponse<String>> busy = CLIENT.sendAsync(
                        HttpRequest.newBuilder(one.uri("/sleep?ms=3000")).build(), HttpResponse.BodyHandlers.ofString());
                one.awaitInFlight(1, START);
                long begun = System.nanoTime();
                HttpResponse<String> waited = get(one, "/echo", "X-Timeout", "500ms");
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
                assertEquals(504, waited.statusCode());
                assertTrue(took < 2500, "504 after the X-Timeout, not after the busy call: " + took + " ms");
                assertEquals(200, busy.get(30, TimeUnit.SECONDS).statusCode(), "the busy worker was not disturbed");
            }
        }
    }

    @Test
    void workersThatExitAtStartAreRestartedWithABackOff() throws Exception {
        Map<String, String> env = Map.of("mode", "afterburn", "fprocess", PYTHON_WORKER + " --exit-at-start");
        try (WatchdogProcess watchdog = WatchdogProcess.start(env).awaitHealthy(START)) {
            watchdog.awaitStderr("exited with code 4 within a second of its start, 2 times in a row: starting another in 2s",
                    START);
            assertEquals(503, watchdog.get("/_/ready").statusCode());
            assertEquals(200, watchdog.get("/_/health").statusCode(), "the watchdog keeps running");
            assertTrue(watchdog.stderr().contains("1 times in a row: starting another in 1s"), watchdog.stderr());
        }
    }

    @Test
    void aClientThatHangsUpMidAnswerLeavesTheWorkerInStep() throws Exception {
        try (WatchdogProcess watchdog = start()) {
            String pid = workerPid(get(watchdog, "/echo"));
            byte[] body = new byte[8 << 20];
            try (Socket socket = new Socket("127.0.0.1", watchdog.port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                InputStream in = socket.getInputStream();
                assertTrue(in.readNBytes(1000).length == 1000, "the answer began");
            }
            watchdog.awaitStderr("POST /echo - client gone", START);
            HttpResponse<String> next = get(watchdog, "/head");
            assertEquals(200, next.statusCode());
            assertTrue(next.body().startsWith("GET /head HTTP/1.1"), next.body());
            assertEquals(pid, workerPid(next), "the same worker, still in step");
        }
    }

    @Test
    void sigtermDrainsThenClosesTheWorkersStdin() throws Exception {
        WatchdogProcess watchdog = start("afterburn_workers", "2", "healthcheck_interval", "1s");
        try (watchdog) {
            List<Long> workers = Pids.await(tmp.resolve("pids"), 2, START);
            CompletableFuture<HttpResponse<String>> slow = CLIENT.sendAsync(
                    HttpRequest.newBuilder(watchdog.uri("/sleep?ms=2500")).build(), HttpResponse.BodyHandlers.ofString());
            watchdog.awaitInFlight(1, START);
            watchdog.terminate();
            HttpResponse<String> answer = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertEquals("slept", answer.body());
            assertEquals(0, watchdog.awaitExit(START));
            assertTrue(watchdog.stderr().contains("Stopping 2 afterburn workers"), watchdog.stderr());
            Pids.awaitAllEnded(workers, Duration.ofSeconds(5));
        }
    }

    /** A worker that neither reads its stdin nor heeds SIGTERM: SIGTERM 1 s after stdin closes, SIGKILL 5 s later. */
    @Test
    void aWorkerThatWillNotStopIsKilled() throws Exception {
        Path stubborn = tmp.resolve("stubborn.sh");
        Files.writeString(stubborn, "trap '' TERM\necho $$ >> " + tmp.resolve("pids") + "\nwhile :; do sleep 1; done\n");
        try (WatchdogProcess watchdog = start("fprocess", "sh " + stubborn)) {
            List<Long> worker = Pids.await(tmp.resolve("pids"), 1, START);
            long signalled = System.nanoTime();
            watchdog.terminate();
            assertEquals(0, watchdog.awaitExit(START));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertTrue(took >= 5500 && took < 15_000, "stdin closed, 1 s, SIGTERM, 5 s, SIGKILL: took " + took + " ms");
            assertTrue(watchdog.stderr().contains("1 afterburn workers did not stop in time: SIGKILL"), watchdog.stderr());
            Pids.awaitAllEnded(worker, Duration.ofSeconds(5));
        }
    }

    @Test
    void aWorkerInTheStyleOfTheNodeClientLibrary() throws Exception {
        try (WatchdogProcess watchdog = start("fprocess", NODE_WORKER, "afterburn_workers", "2")) {
            for (int size : new int[] {0, 10, 1024, 30_000}) {
                byte[] body = new byte[size];
                new Random(size).nextBytes(body);
                HttpResponse<byte[]> answer = call(watchdog, "PUT", "/any/path?q=1", body);
                assertEquals(200, answer.statusCode(), new String(answer.body(), StandardCharsets.ISO_8859_1));
                assertArrayEquals(body, answer.body());
                assertEquals("PUT /any/path?q=1 HTTP/1.1", answer.headers().firstValue("X-Request-Line").orElseThrow());
            }
            assertFalse(watchdog.stderr().contains("replaced"), watchdog.stderr());
        }
    }

    /** The README's two minimal workers, as a template author would copy them. */
    @Test
    void theReadmeWorkersWork() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("### afterburn"), readme.indexOf("## JWT auth"));
        Path python = tmp.resolve("worker.py");
        Files.writeString(python, codeBlock(section, "python"));
        Path node = tmp.resolve("worker.js");
        Files.writeString(node, codeBlock(section, "js"));
        byte[] big = "x".repeat(300_000).getBytes(StandardCharsets.ISO_8859_1);
        for (String worker : List.of("python3 " + python, "node " + node)) {
            try (WatchdogProcess watchdog = start("fprocess", worker)) {
                HttpResponse<byte[]> answer = call(watchdog, "POST", "/", "world".getBytes(StandardCharsets.UTF_8));
                assertEquals(200, answer.statusCode(), worker);
                assertEquals("Hello, world", new String(answer.body(), StandardCharsets.UTF_8), worker);
                HttpResponse<byte[]> large = call(watchdog, "POST", "/", big);
                assertEquals(200, large.statusCode(), worker);
                assertEquals(7 + big.length, large.body().length, worker);
            }
        }
    }

    private static String codeBlock(String markdown, String language) {
        int start = markdown.indexOf("```" + language + "\n") + language.length() + 4;
        return markdown.substring(start, markdown.indexOf("```", start));
    }

    /**
     * 10,000 calls, one in a hundred from a client that hangs up before the answer: no process and no descriptor
     * left behind, and the same workers at the end.
     */
    @Test
    void tenThousandCallsLeaveNothingBehind() throws Exception {
        try (WatchdogProcess watchdog = start("afterburn_workers", "2")) {
            for (int i = 0; i < 200; i++) {
                assertEquals(200, get(watchdog, "/echo").statusCode());
            }
            long fdsBefore = openDescriptors(watchdog.pid());
            HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest echo = HttpRequest.newBuilder(watchdog.uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100))).build();
            for (int i = 0; i < 10_000; i++) {
                if (i % 100 == 0) {
                    try (Socket socket = new Socket("127.0.0.1", watchdog.port)) {
                        socket.getOutputStream().write("GET /sleep?ms=5 HTTP/1.1\r\nHost: x\r\n\r\n"
                                .getBytes(StandardCharsets.ISO_8859_1));
                    }
                } else {
                    HttpResponse<String> answer = keepAlive.send(echo, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, answer.statusCode());
                }
            }
            watchdog.awaitInFlight(0, START);
            assertEquals(200, get(watchdog, "/echo").statusCode());
            assertEquals(2, Pids.read(tmp.resolve("pids")).size(), "no worker was replaced");
            long fdsAfter = openDescriptors(watchdog.pid());
            assertTrue(fdsAfter <= fdsBefore + 4, "descriptors before " + fdsBefore + ", after " + fdsAfter);
            assertEquals(2, ProcessHandle.of(watchdog.pid()).orElseThrow().children().count());
        }
    }

    private static long openDescriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    /** Sends {@code request} as written; the answer's head and its body, framed by Content-Length. */
    private static String rawCall(WatchdogProcess watchdog, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", watchdog.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                head.append((char) in.read());
            }
            String length = head.toString().lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                    .findFirst().orElseThrow().substring(15).trim();
            return head + new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
        }
    }

    private static void awaitStatus(WatchdogProcess watchdog, String path, int status) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (watchdog.get(path).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + status + "; stderr:\n" + watchdog.stderr());
            }
            Thread.sleep(20);
        }
    }
}
