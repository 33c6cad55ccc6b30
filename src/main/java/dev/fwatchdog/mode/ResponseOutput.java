package dev.fwatchdog.mode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The response body as a blocking sink for the thread that reads the function's stdout: each write goes out at once
 * (a line the function prints is on the wire right away), and a write waits while the client is slower than the
 * function, so output never piles up in memory. Given a {@link RawConnection}, a long answer goes on around Vert.x
 * once it has carried {@link RawConnection#WORTH} bytes.
 */
final class ResponseOutput {

    private final Context context;
    private final HttpServerResponse response;
    private final Consumer<HttpServerResponse> head;
    private final RawConnection raw;
    /** The writer thread's: bytes written through Vert.x, and whether the answer goes on around it. */
    private long carried;
    private boolean aroundVertx;
    private long writtenAround;
    private volatile boolean started;
    private volatile boolean gone;
    private volatile CountDownLatch drained;

    /** {@code head} sets the status and headers, before the first write. */
    ResponseOutput(Context context, HttpServerResponse response, Consumer<HttpServerResponse> head) {
        this(context, response, head, null);
    }

    /** {@code raw}: the call's connection, for a chunked answer, or null. */
    ResponseOutput(Context context, HttpServerResponse response, Consumer<HttpServerResponse> head,
            RawConnection raw) {
        this.context = context;
        this.response = response;
        this.head = head;
        this.raw = raw;
    }

    /** Sets the status and the headers, once. */
    void begin() {
        if (!started) {
            started = true;
            head.accept(response);
        }
    }

    /**
     * Writes what {@code piece} has left, whose buffer is reused once this returns, waiting while the client is
     * slower; false once the client has gone.
     */
    boolean write(ByteBuffer piece) throws InterruptedException {
        if (!aroundVertx) {
            return write(Buffer.buffer(Unpooled.copiedBuffer(piece)));
        }
        try {
            writtenAround += raw.writeChunk(piece);
        } catch (IOException connectionGone) {
            clientGone();
        }
        return !gone;
    }

    /** Writes a chunk, waiting while the client's queue is full; false once the client has gone. */
    boolean write(Buffer chunk) throws InterruptedException {
        if (gone) {
            return false;
        }
        begin();
        Future<Void> written = response.write(chunk);
        carried += chunk.length();
        if (raw != null && carried >= RawConnection.WORTH) {
            // Around Vert.x from here, once what it has been given is on the wire.
            awaitThen(latch -> written.onComplete(done -> latch.countDown()));
            aroundVertx = !gone;
        } else if (response.writeQueueFull()) {
            awaitThen(latch -> context.runOnContext(check -> {
                if (gone || !response.writeQueueFull()) {
                    latch.countDown();
                } else {
                    response.drainHandler(ready -> latch.countDown());
                }
            }));
        }
        return !gone;
    }

    /** Blocks until {@code waiting} counts its latch down, or the client goes. */
    private void awaitThen(Consumer<CountDownLatch> waiting) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        drained = latch;
        if (gone) {
            return;
        }
        waiting.accept(latch);
        latch.await();
    }

    /** The answer's writer is done: what it holds for writing around Vert.x is let go. */
    void done() {
        if (raw != null) {
            raw.answerWritten();
        }
    }

    /** Body bytes written around Vert.x, which its count of bytes written does not have. */
    long writtenAroundVertx() {
        return writtenAround;
    }

    /** The connection closed: stop waiting for it. */
    void clientGone() {
        gone = true;
        CountDownLatch latch = drained;
        if (latch != null) {
            latch.countDown();
        }
    }

    boolean started() {
        return started;
    }
}
