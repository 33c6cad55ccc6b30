package dev.fwatchdog.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;

/**
 * A function's stdin as a Vert.x {@link WriteStream}, so a request body can be piped into it with back-pressure:
 * buffers queue on the event loop and a {@link ProcessIo} thread writes them to the pipe (which blocks). When the
 * function stops reading (it exited, or closed stdin), the rest of the body is dropped, not queued.
 */
public final class StdinStream implements WriteStream<Buffer> {

    private static final int DEFAULT_MAX_QUEUED = 256 * 1024;
    private static final int GATHER_SIZE = 64 * 1024;

    /** Identity marker for the end of input. */
    private static final Buffer END = Buffer.buffer(new byte[0]);

    private final BlockingQueue<Buffer> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final Context context;
    private final OutputStream stdin;
    private volatile int maxQueued = DEFAULT_MAX_QUEUED;
    private volatile boolean waitingForDrain;
    private volatile boolean ended;
    private Handler<Void> drainHandler;
    /** The writer thread's: where queued pieces are gathered. */
    private byte[] gathered;

    public StdinStream(Context context, OutputStream stdin, Executor io) {
        this.context = context;
        this.stdin = stdin;
        io.execute(this::writeLoop);
    }

    private void writeLoop() {
        boolean open = true;
        try {
            Buffer next;
            while ((next = queue.take()) != END) {
                long taken = next.length();
                if (open) {
                    Buffer following = queue.peek();
                    try {
                        if (following != null && following != END && taken + following.length() <= GATHER_SIZE) {
                            taken = gather(next);
                            stdin.write(gathered, 0, (int) taken);
                        } else {
                            writeToStdin(next);
                        }
                        if (queue.isEmpty()) {
                            // The JDK's process stdin is buffered: what has come so far is the function's to read now.
                            stdin.flush();
                        }
                    } catch (IOException functionStoppedReading) {
                        open = false;
                    }
                }
                long left = queued.addAndGet(-taken);
                if (waitingForDrain && left <= maxQueued / 2) {
                    waitingForDrain = false;
                    context.runOnContext(drained -> {
                        Handler<Void> handler = drainHandler;
                        if (handler != null) {
                            handler.handle(null);
                        }
                    });
                }
            }
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                stdin.close();
            } catch (IOException alreadyClosed) {
                // nothing left to tell the function
            }
        }
    }

    /**
     * Several pieces are queued (request bodies arrive in pieces of 8 KiB): they are copied into one array, up to
     * {@link #GATHER_SIZE} bytes, to be written at once. One pipe write instead of eight, and the function reads
     * bigger pieces, so it writes bigger ones back. Only what is already queued: nothing waits for more.
     */
    private int gather(Buffer first) {
        if (gathered == null) {
            gathered = new byte[GATHER_SIZE];
        }
        int filled = 0;
        Buffer piece = first;
        while (true) {
            piece.getBytes(0, piece.length(), gathered, filled);
            filled += piece.length();
            Buffer following = queue.peek();
            if (following == null || following == END || filled + following.length() > GATHER_SIZE) {
                return filled;
            }
            piece = queue.poll();
        }
    }

    /** Writes a buffer without copying it first where its pieces are backed by arrays, as request chunks are. */
    private void writeToStdin(Buffer data) throws IOException {
        for (ByteBuffer piece : data.getByteBuf().nioBuffers()) {
            if (piece.hasArray()) {
                stdin.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
            } else {
                byte[] copy = new byte[piece.remaining()];
                piece.get(copy);
                stdin.write(copy);
            }
        }
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (!ended && data.length() > 0) {
            queued.addAndGet(data.length());
            queue.add(data);
        }
        return Future.succeededFuture();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        write(data).onComplete(handler);
    }

    /** Closes the function's stdin once everything queued has been written. */
    @Override
    public Future<Void> end() {
        if (!ended) {
            ended = true;
            queue.add(END);
        }
        return Future.succeededFuture();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        end().onComplete(handler);
    }

    @Override
    public boolean writeQueueFull() {
        if (queued.get() < maxQueued) {
            return false;
        }
        // Flag first, then look again: either the writer sees the flag, or we see its progress. No lost drain.
        waitingForDrain = true;
        return queued.get() >= maxQueued;
    }

    @Override
    public StdinStream setWriteQueueMaxSize(int maxSize) {
        maxQueued = maxSize;
        return this;
    }

    @Override
    public StdinStream drainHandler(Handler<Void> handler) {
        drainHandler = handler;
        return this;
    }

    @Override
    public StdinStream exceptionHandler(Handler<Throwable> handler) {
        return this;
    }
}
