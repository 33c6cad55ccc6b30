package dev.fwatchdog.mode;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * The response body as a blocking sink for the thread that reads the function's stdout: each write goes out at once
 * (a line the function prints is on the wire right away), and a write waits while the client is slower than the
 * function, so output never piles up in memory.
 */
final class ResponseOutput {

    private final Context context;
    private final HttpServerResponse response;
    private final Consumer<HttpServerResponse> head;
    private volatile boolean started;
    private volatile boolean gone;
    private volatile CountDownLatch drained;

    /** {@code head} sets the status and headers, before the first write. */
    ResponseOutput(Context context, HttpServerResponse response, Consumer<HttpServerResponse> head) {
        this.context = context;
        this.response = response;
        this.head = head;
    }

    /** Sets the status and the headers, once. */
    void begin() {
        if (!started) {
            started = true;
            head.accept(response);
        }
    }

    /** Writes a chunk, waiting while the client's queue is full; false once the client has gone. */
    boolean write(Buffer chunk) throws InterruptedException {
        if (gone) {
            return false;
        }
        begin();
        response.write(chunk);
        if (response.writeQueueFull()) {
            CountDownLatch latch = new CountDownLatch(1);
            drained = latch;
            context.runOnContext(check -> {
                if (gone || !response.writeQueueFull()) {
                    latch.countDown();
                } else {
                    response.drainHandler(ready -> latch.countDown());
                }
            });
            latch.await();
        }
        return !gone;
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
