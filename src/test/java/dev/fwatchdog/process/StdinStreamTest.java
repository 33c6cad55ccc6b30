package dev.fwatchdog.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A request body on its way into a real `cat`, on both ways of starting it. */
class StdinStreamTest {

    private static final Vertx VERTX = Vertx.vertx();
    private static final ExecutorService IO = Executors.newCachedThreadPool();

    static Stream<BiFunction<List<String>, Map<String, String>, FunctionProcess>> starts() {
        return FunctionProcessTest.starts();
    }

    @AfterAll
    static void stop() {
        IO.shutdownNow();
        VERTX.close();
    }

    @ParameterizedTest
    @MethodSource("starts")
    void whatHasArrivedReachesTheFunctionBeforeTheBodyEnds(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws Exception {
        FunctionProcess cat = start.apply(List.of("cat"), Map.of());
        StdinStream stdin = new StdinStream(VERTX.getOrCreateContext(), cat.stdin(), IO);
        stdin.write(Buffer.buffer("a few bytes\n"));
        InputStream stdout = cat.stdout();
        byte[] echoed = new byte[12];
        // 12 bytes would sit in the JDK's 8 KiB stdin buffer until the body ends, were they not flushed
        CompletableFuture.runAsync(() -> readFully(stdout, echoed), IO).get(5, TimeUnit.SECONDS);
        assertEquals("a few bytes\n", new String(echoed, StandardCharsets.UTF_8));
        stdin.end();
        assertEquals(-1, stdout.read());
        cat.stderr().close();
        assertEquals(0, cat.waitFor());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void piecesQueuedTogetherArriveWholeAndInOrder(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws Exception {
        FunctionProcess cat = start.apply(List.of("cat"), Map.of());
        StdinStream stdin = new StdinStream(VERTX.getOrCreateContext(), cat.stdin(), IO);
        byte[] body = new byte[20 * 1024 * 1024];
        new Random(4).nextBytes(body);
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(cat.stdout()), IO);
        // pieces of uneven sizes, as a request's arrive, queued faster than a pipe takes them
        for (int at = 0, size = 1; at < body.length; at += size, size = size * 7 % 20_011 + 1) {
            stdin.write(Buffer.buffer().appendBytes(body, at, Math.min(size, body.length - at)));
        }
        stdin.end();
        assertArrayEquals(body, echoed.get(30, TimeUnit.SECONDS));
        cat.stderr().close();
        assertEquals(0, cat.waitFor());
    }

    private static void readFully(InputStream in, byte[] into) {
        try {
            if (in.readNBytes(into, 0, into.length) < into.length) {
                throw new IllegalStateException("the output ended early");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
