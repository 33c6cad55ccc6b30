package dev.fwatchdog.process;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watchdog's ends of a function's pipes as Java streams, opened through /proc/self/fd from the descriptors
 * pipe2 made, which are kept for poll and to widen the pipe; closing a stream closes both.
 */
final class Pipes {

    private Pipes() {
    }

    static String path(int fd) {
        return "/proc/self/fd/" + fd;
    }

    /** A pipe's read end. */
    static final class Input extends FileInputStream {

        final int fd;
        private final Descriptor descriptor;

        Input(int fd) throws FileNotFoundException {
            super(path(fd));
            this.fd = fd;
            this.descriptor = new Descriptor(fd);
        }

        /** Whether it has been widened: a stream. */
        boolean wide() {
            return descriptor.carried >= Descriptor.AFTER;
        }

        @Override
        public int read(byte[] into) throws IOException {
            return read(into, 0, into.length);
        }

        /** Reads into {@code into}'s room through the stream's channel: into memory off the heap, without a copy. */
        int read(ByteBuffer into) throws IOException {
            int n = getChannel().read(into);
            descriptor.carried(n);
            return n;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = super.read(into, offset, length);
            descriptor.carried(n);
            return n;
        }

        @Override
        public void close() throws IOException {
            descriptor.close(super::close);
        }
    }

    /** A pipe's write end. */
    static final class Output extends FileOutputStream {

        private final Descriptor descriptor;

        Output(int fd) throws FileNotFoundException {
            super(path(fd));
            this.descriptor = new Descriptor(fd);
        }

        /** The pipe as a channel, widened now; closing it closes this stream. */
        FileChannel wideChannel() {
            descriptor.widen();
            return getChannel();
        }

        @Override
        public void write(byte[] from) throws IOException {
            write(from, 0, from.length);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            super.write(from, offset, length);
            descriptor.carried(length);
        }

        @Override
        public void close() throws IOException {
            descriptor.close(super::close);
        }
    }

    /**
     * The descriptor a stream was opened from: closed once, with the stream. A pipe holds 64 KiB; a stream through
     * `cat` then switches threads every 64 KiB on each side (cat itself writes 128 KiB at a time). Once a pipe has
     * carried {@link #AFTER} bytes it is a stream, and it is widened to {@link #WIDE} (F_SETPIPE_SZ): fewer thread
     * switches per byte (bench/RESULTS.md). Only then, because the kernel counts every pipe's capacity against a
     * per-user limit (fs.pipe-user-pages-soft, shared by the containers of that user on a node) past which new pipes
     * get 8 KiB: calls with small bodies and answers must not use it up. If the kernel refuses, the pipe stays as it
     * is. The JDK's path ({@link ChildProcess}) keeps 64 KiB pipes.
     */
    static final class Descriptor {

        static final long AFTER = 1024 * 1024;
        static final int WIDE = 256 * 1024;

        private final int fd;
        private final AtomicBoolean closed = new AtomicBoolean();
        private long carried;

        Descriptor(int fd) {
            this.fd = fd;
        }

        void carried(int bytes) {
            if (carried < AFTER && bytes > 0) {
                carried += bytes;
                if (carried >= AFTER) {
                    widen();
                }
            }
        }

        void widen() {
            carried = AFTER;
            LibC.fcntl(fd, LibC.F_SETPIPE_SZ, WIDE);
        }

        void close(Closeable stream) throws IOException {
            if (closed.compareAndSet(false, true)) {
                try {
                    stream.close();
                } finally {
                    LibC.close(fd);
                }
            }
        }
    }
}
