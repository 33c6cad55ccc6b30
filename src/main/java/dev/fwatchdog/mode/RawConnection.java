package dev.fwatchdog.mode;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongConsumer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.nio.AbstractNioChannel;
import io.netty.handler.codec.http.HttpContentDecoder;
import io.netty.handler.codec.http.HttpContentEncoder;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The connection of a streaming call with a big body or answer, whose bytes are moved between the socket and the
 * function's pipes by the call's process I/O threads rather than through Vert.x, which copies every piece onto the
 * heap and hands it between threads (bench/RESULTS.md: a fresh watchdog relays a stream at less than half the speed
 * this way, the JIT compiling Vert.x's path meanwhile). Only for what Vert.x would pass through unchanged: HTTP/1.1
 * over plain TCP on Netty's NIO transport, no compression either way, not HEAD.
 * <p>
 * The body: Netty stops reading the socket and the rest of the body, as its Content-Length says, is read here; once
 * it is read whole, Vert.x is told the request has ended and Netty reads the connection's next request. The answer:
 * once Vert.x has written its head and its first pieces, the chunks that follow are framed and written here, and
 * Vert.x writes the last one. Whatever waits here for the socket looks at least once a second whether the connection
 * has been closed meanwhile (by Vert.x: a close of ours does not wake a selector): a listener on the connection
 * instead would stay with it, and a keep-alive connection carries calls without end.
 */
final class RawConnection {

    /** Bodies and answers from this size on: below it, setting this up costs more than it saves. */
    static final long WORTH = 1024 * 1024;

    /** The most read from the socket at once: a widened pipe's size. */
    private static final int PIECE = 256 * 1024;

    private static final byte[] CRLF = {'\r', '\n'};

    /** How long a wait for the socket goes before it looks whether the connection is still open. */
    private static final long LOOK_MILLIS = 1000;

    private final HttpServerRequest request;
    private final Channel channel;
    private final SocketChannel socket;
    private final ChannelHandlerContext decoder;
    /** The answer's thread's, made for its first chunk: a chunk's size line and its end, off the heap like it. */
    private ByteBuffer sizeLine;
    private ByteBuffer chunkEnd;
    /** The answer's thread's, made for its first wait. */
    private Selector writing;

    private RawConnection(HttpServerRequest request, Channel channel, SocketChannel socket,
            ChannelHandlerContext decoder) {
        this.request = request;
        this.channel = channel;
        this.socket = socket;
        this.decoder = decoder;
    }

    /** The call's connection, or null where its bytes must go through Vert.x. */
    static RawConnection of(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1 || request.isSSL() || request.method() == HttpMethod.HEAD
                || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        Channel channel = connection.channel();
        ChannelPipeline pipeline = channel.pipeline();
        ChannelHandlerContext decoder = pipeline.context(HttpObjectDecoder.class);
        if (!(channel.unsafe() instanceof AbstractNioChannel.NioUnsafe nio) || !(nio.ch() instanceof SocketChannel socket)
                || decoder == null || pipeline.get(SslHandler.class) != null
                || pipeline.get(HttpContentEncoder.class) != null || pipeline.get(HttpContentDecoder.class) != null) {
            return null;
        }
        return new RawConnection(request, channel, socket, decoder);
    }

    /**
     * Takes the body of {@code length} bytes from Vert.x: what it has read already goes to {@code early}, then Netty
     * stops reading and {@code taken} runs with how many bytes of the body are still to be read (0 when Vert.x had
     * them all). On the event loop, with the request paused as a route gets it.
     */
    void takeBody(Context context, long length, Handler<Buffer> early, LongConsumer taken) {
        long[] delivered = {0};
        request.handler(piece -> {
            delivered[0] += piece.length();
            early.handle(piece);
        });
        request.resume();
        // Vert.x hands over the pieces it holds in a task on this loop, queued ahead of this one.
        context.runOnContext(afterThem -> {
            if (request.isEnded()) {
                taken.accept(0);
                return;
            }
            channel.config().setAutoRead(false);
            taken.accept(length - delivered[0]);
        });
    }

    /**
     * Writes the body to {@code stdin}: the pieces Vert.x had read, then the {@code left} bytes still in the socket.
     * Blocks: for a process I/O thread. Once the function stops reading, the rest of the body is read and dropped, as
     * Vert.x would, so that the connection can carry the next request; once it is read whole, Vert.x gets the
     * connection back. A client that closes before the end closes the connection, which the call handles as a client
     * gone.
     */
    void copyBody(List<Buffer> early, long left, WritableByteChannel stdin) {
        WritableByteChannel into = stdin;
        for (Buffer piece : early) {
            if (into != null && !writeAll(piece.getByteBuf().nioBuffer(), into)) {
                into = null;
            }
        }
        if (left == 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined(); Selector selector = Selector.open()) {
            socket.register(selector, SelectionKey.OP_READ);
            ByteBuffer buffer = arena.allocate(PIECE).asByteBuffer();
            while (left > 0) {
                buffer.clear().limit((int) Math.min(PIECE, left));
                int n = read(buffer, selector);
                if (n < 0) {
                    close();
                    return;
                }
                left -= n;
                buffer.flip();
                if (into != null && !writeAll(buffer, into)) {
                    into = null;
                }
            }
        } catch (IOException closed) {
            return;
        }
        channel.eventLoop().execute(this::giveBodyBack);
    }

    private int read(ByteBuffer buffer, Selector selector) throws IOException {
        int n;
        while ((n = socket.read(buffer)) == 0) {
            await(selector);
        }
        return n;
    }

    private static boolean writeAll(ByteBuffer buffer, WritableByteChannel stdin) {
        try {
            while (buffer.hasRemaining()) {
                stdin.write(buffer);
            }
            return true;
        } catch (IOException functionStoppedReading) {
            return false;
        }
    }

    /** The body has been read whole: Vert.x ends the request, and Netty reads the connection's next one. */
    private void giveBodyBack() {
        if (channel.isActive()) {
            // The decoder still counts the bytes read here as to come: it starts again at a request line.
            ((HttpObjectDecoder) decoder.handler()).reset();
            decoder.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
            // As after a read from the socket: Vert.x holds back its writes' flush until a read is complete.
            decoder.fireChannelReadComplete();
            channel.config().setAutoRead(true);
        }
    }

    /**
     * Writes what {@code piece} has left as one chunk of the answer, whose head and earlier chunks Vert.x has written
     * to the socket already; returns how many bytes that was. Blocks while the client reads slower: for a process I/O
     * thread. A piece off the heap goes to the socket as it is; the JDK copies one on the heap first.
     *
     * @throws IOException when the connection is gone (and then closed, for the call to see a client gone)
     */
    int writeChunk(ByteBuffer piece) throws IOException {
        if (sizeLine == null) {
            sizeLine = ByteBuffer.allocateDirect(16);
            chunkEnd = ByteBuffer.allocateDirect(CRLF.length).put(CRLF);
        }
        int n = piece.remaining();
        ByteBuffer[] frame = {sizeLine.clear().put(Integer.toHexString(n).getBytes(StandardCharsets.US_ASCII)).put(CRLF)
                .flip(), piece, chunkEnd.rewind()};
        try {
            while (frame[2].hasRemaining()) {
                if (socket.write(frame) == 0) {
                    await(writer());
                }
            }
        } catch (IOException gone) {
            close();
            throw gone;
        }
        return n;
    }

    private Selector writer() throws IOException {
        Selector selector = writing;
        if (selector == null) {
            selector = Selector.open();
            writing = selector;
            socket.register(selector, SelectionKey.OP_WRITE);
        }
        return selector;
    }

    /** The answer's thread is done with the connection. */
    void answerWritten() {
        Selector selector = writing;
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException alreadyClosed) {
                // nothing held
            }
        }
    }

    /**
     * Closes the connection through Vert.x: a client gone that Netty, not reading or writing it now, may not have
     * seen. The call's close handling follows (the function killed).
     */
    private void close() {
        request.connection().close();
    }

    private void await(Selector selector) throws IOException {
        if (!channel.isActive()) {
            throw new ClosedChannelException();
        }
        selector.select(LOOK_MILLIS);
        selector.selectedKeys().clear();
    }
}
