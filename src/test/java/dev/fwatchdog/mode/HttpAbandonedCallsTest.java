package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.fwatchdog.support.WatchdogProcess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * http mode: a call the client abandons half-way must not keep an upstream connection busy for good. The function
 * server (Vert.x, in the test JVM) counts its open connections. Calls that end well leave theirs in the pool; an
 * abandoned call's connection is closed, whether the client left while the answer was streaming back or after the
 * function had answered without reading the whole body. Idle pooled connections live 4 s, so connections still
 * open 7 s after the calls are ones the watchdog has lost.
 */
@QuarkusTest
@TestProfile(HttpAbandonedCallsTest.Streaming.class)
class HttpAbandonedCallsTest {

    static final int UPSTREAM_PORT = WatchdogProcess.freePortPerJvm("test.abandon.upstream-port");
    static final Vertx UPSTREAM_VERTX = Vertx.vertx();
    static final AtomicInteger OPEN = new AtomicInteger();
    static final CountDownLatch HANG_ARRIVED = new CountDownLatch(1);
    static final CountDownLatch HANG_CANCELLED = new CountDownLatch(1);

    public static class Streaming implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.mode", "http",
                    "watchdog.function-process", "sleep 3600",
                    "watchdog.upstream-url", "http://127.0.0.1:" + UPSTREAM_PORT);
        }
    }

    @BeforeAll
    static void startFunctionServer() throws Exception {
        UPSTREAM_VERTX.createHttpServer().connectionHandler(connection -> {
            OPEN.incrementAndGet();
            connection.closeHandler(closed -> OPEN.decrementAndGet());
        }).requestHandler(request -> {
            if (request.path().equals("/hang")) {
                // never answers; notes that the call arrived, and when its connection is closed
                HANG_ARRIVED.countDown();
                request.connection().closeHandler(closed -> HANG_CANCELLED.countDown());
            } else if (request.path().equals("/early")) {
                // answers at once, before the body has come
                request.response().end("early");
            } else {
                // the body back as it comes, the answer's head first
                request.response().setChunked(true).write("echo:");
                request.pipeTo(request.response());
            }
        }).listen(UPSTREAM_PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopFunctionServer() {
        UPSTREAM_VERTX.close();
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void abandonedCallsGiveTheirUpstreamConnectionsBack() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertTrue(call("/echo", true).endsWith("0\r\n\r\n"), "a whole call gets the whole echo");
        }
        assertTrue(OPEN.get() >= 1, "calls that ended well leave their connections in the pool");
        for (int i = 0; i < 10; i++) {
            assertTrue(call("/echo", false).contains("echo:"), "the answer had begun");
            assertTrue(call("/early", false).endsWith("early"), "the early answer came whole");
        }
        // Pooled connections idle out after 4 s (and the pool is swept each second); a lost one never does.
        for (int i = 0; i < 70 && OPEN.get() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, OPEN.get(), "20 abandoned calls: no upstream connection is left busy");
    }

    /** A client gone before any answer: the upstream call is cut at once (exec_timeout is 30 s here). */
    @Test
    void aClientThatGoesAwayCancelsTheUpstreamCall() throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(HANG_ARRIVED.await(10, TimeUnit.SECONDS), "the call reached the function server");
        }
        assertTrue(HANG_CANCELLED.await(10, TimeUnit.SECONDS),
                "the upstream connection was not closed when the client left");
    }

    /**
     * A POST of 2,000 bytes on a connection of its own. {@code whole}: sends it all and reads to the end. Otherwise
     * sends half, reads the first bytes of the answer (or all of a short one), then hangs up.
     */
    private String call(String path, boolean whole) throws Exception {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n"
                    + (whole ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[whole ? 2000 : 1000]);
            out.flush();
            InputStream in = socket.getInputStream();
            if (whole) {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            StringBuilder seen = new StringBuilder();
            byte[] chunk = new byte[8192];
            while (!seen.toString().contains(path.equals("/early") ? "early" : "echo:")) {
                int n = in.read(chunk);
                assertTrue(n > 0, "the answer ended early: " + seen);
                seen.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
            }
            return seen.toString();
        }
    }
}
