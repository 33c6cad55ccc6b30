package dev.fwatchdog.process;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.jboss.logging.Logger;

/**
 * A fork-mode function started with glibc's posix_spawn rather than the JDK's ProcessBuilder. The JDK's child closes
 * every descriptor it inherits one by one, found by listing /proc/self/fd, before it runs exec: about 9 us for each
 * of the 45 or so a watchdog holds, paid again by the JDK's reaper thread when the process's /proc entries are torn
 * down. posix_spawn closes them all with one close_range (posix_spawn_file_actions_addclosefrom_np), whatever their
 * number: a loop spawning cat runs about twice as fast (bench/RESULTS.md). Available in a JVM on Linux with glibc
 * 2.34 or newer; elsewhere (a native image, musl) {@link ChildProcess} is used.
 */
final class NativeProcess implements FunctionProcess {

    private static final Logger LOG = Logger.getLogger(NativeProcess.class);

    static final boolean AVAILABLE = LibC.load();

    private final int pid;
    private final OutputStream stdin;
    private final PipeInput stdoutPipe;
    private final PipeInput stderrPipe;
    private final InputStream stdout;
    private final InputStream stderr;
    /** Guarded by this: once the process is reaped its pid may be reused, so it is never signalled again. */
    private boolean reaped;
    private int exitCode;

    private NativeProcess(int pid, OutputStream stdin, PipeInput stdout, PipeInput stderr) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdoutPipe = stdout;
        this.stderrPipe = stderr;
        // Buffered as the JDK's process streams are: FileInputStream.readAllBytes seeks, which a pipe refuses.
        this.stdout = new BufferedInputStream(stdout);
        this.stderr = new BufferedInputStream(stderr);
    }

    static NativeProcess start(List<String> command, Map<String, String> extraEnvironment) {
        String program = command.get(0);
        int[] in = {-1, -1};
        int[] out = {-1, -1};
        int[] err = {-1, -1};
        PipeOutput stdin = null;
        PipeInput stdout = null;
        PipeInput stderr = null;
        SpawnArguments arguments = new SpawnArguments(command, extraEnvironment);
        boolean started = false;
        try {
            LibC.pipe(program, in);
            LibC.pipe(program, out);
            LibC.pipe(program, err);
            // The watchdog's ends as Java streams, opened through /proc while the child's ends are still held here:
            // opening a pipe that way waits for a partner on the other end, which the child may already have dropped.
            stdin = new PipeOutput(in[1]);
            in[1] = -1;
            stdout = new PipeInput(out[0]);
            out[0] = -1;
            stderr = new PipeInput(err[0]);
            err[0] = -1;
            Pointer actions = arguments.fileActions();
            Pointer attributes = arguments.attributes();
            LibC.posix_spawnattr_init(attributes);
            // Its own process group, so that a kill reaches everything it started in one signal.
            LibC.posix_spawnattr_setflags(attributes,
                    (short) (LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF));
            LibC.posix_spawnattr_setpgroup(attributes, 0);
            LibC.posix_spawnattr_setsigdefault(attributes, LibC.handledSignals);
            LibC.posix_spawn_file_actions_init(actions);
            LibC.posix_spawn_file_actions_adddup2(actions, in[0], 0);
            LibC.posix_spawn_file_actions_adddup2(actions, out[1], 1);
            LibC.posix_spawn_file_actions_adddup2(actions, err[1], 2);
            LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3);
            int[] pid = new int[1];
            // Found once, then started by its path; a program not found is left to posix_spawnp, to say why.
            Optional<Path> path = Executables.find(program);
            int error = path.isPresent()
                    ? LibC.posix_spawn(pid, path.get().toString(), actions, attributes, arguments.argv(),
                            arguments.envp())
                    : LibC.posix_spawnp(pid, program, actions, attributes, arguments.argv(), arguments.envp());
            LibC.posix_spawn_file_actions_destroy(actions);
            LibC.posix_spawnattr_destroy(attributes);
            if (error != 0) {
                throw LibC.startFailed(program, error);
            }
            started = true;
            return new NativeProcess(pid[0], stdin, stdout, stderr);
        } catch (IOException cannotOpen) {
            throw new ChildProcess.StartFailedException(program, cannotOpen);
        } finally {
            if (!started) {
                closeQuietly(stdin);
                closeQuietly(stdout);
                closeQuietly(stderr);
            }
            arguments.free();
            for (int fd : new int[] {in[0], in[1], out[0], out[1], err[0], err[1]}) {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable stream) {
        if (stream != null) {
            try {
                stream.close();
            } catch (Exception alreadyClosed) {
                // nothing to release
            }
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    /**
     * Both pipes are read by this one thread, which poll tells which has something: a thread for stderr would cost a
     * hand-off, a wake-up and a blocked thread per call, for a stream most functions never write to.
     */
    @Override
    public void readOutput(int chunkSize, StdoutSink sink, LogPump log, Executor io) throws IOException,
            InterruptedException {
        LogPump.Lines errorLines = log.lines();
        byte[] chunk = new byte[chunkSize];
        // Two struct pollfd {int fd; short events; short revents;}, as ints: revents is the high half of the second.
        int[] polled = {stdoutPipe.fd, LibC.POLLIN, stderrPipe.fd, LibC.POLLIN};
        boolean errorsOpen = true;
        try (stdout) {
            while (true) {
                LibC.poll(polled, errorsOpen ? 2 : 1, -1);
                if (errorsOpen && LibC.ready(polled[3])) {
                    errorsOpen = forward(chunk, errorLines);
                }
                if (LibC.ready(polled[1])) {
                    int n = stdoutPipe.read(chunk);
                    if (n < 0 || !sink.accept(chunk, n)) {
                        break;
                    }
                }
            }
        } finally {
            if (errorsOpen) {
                forwardRest(chunk, errorLines, log, io);
            }
        }
    }

    /** Reads what stderr has (poll said it has something); false once it has ended. */
    private boolean forward(byte[] chunk, LogPump.Lines lines) throws IOException {
        int n = stderrPipe.read(chunk);
        if (n < 0) {
            lines.end();
            stderrPipe.close();
            return false;
        }
        lines.accept(chunk, n);
        return true;
    }

    /**
     * stdout is over: what stderr has now is forwarded here, and if it is still open (the function closed stdout
     * early, or left a process behind that holds stderr), the rest is forwarded by a thread of {@code io}.
     */
    private void forwardRest(byte[] chunk, LogPump.Lines lines, LogPump log, Executor io) throws IOException {
        int[] polled = {stderrPipe.fd, LibC.POLLIN};
        while (LibC.poll(polled, 1, 0) > 0 && LibC.ready(polled[1])) {
            if (!forward(chunk, lines)) {
                return;
            }
        }
        io.execute(() -> log.pump(stderrPipe, lines));
    }

    /**
     * SIGKILL to the process group, which holds everything the function started unless it left the group; those
     * that left (setsid) are found first, as descendants, and killed after.
     */
    @Override
    public synchronized void kill() {
        if (!reaped) {
            List<ProcessHandle> descendants = ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .toList();
            LibC.kill(-pid, LibC.SIGKILL);
            descendants.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Waits for the exit without reaping, so that a kill meanwhile cannot hit a reused pid; then reaps. */
    @Override
    public int waitFor() {
        synchronized (this) {
            if (reaped) {
                return exitCode;
            }
        }
        LibC.waitForExit(pid);
        synchronized (this) {
            if (!reaped) {
                exitCode = LibC.reap(pid);
                reaped = true;
            }
            return exitCode;
        }
    }

    /** Closes a pipe's stream, then the descriptor it was opened from; once. */
    private static void closeBoth(AtomicBoolean closed, Closeable stream, int fd) throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                stream.close();
            } finally {
                LibC.close(fd);
            }
        }
    }

    /**
     * A pipe's read end as a stream, with the descriptor it was opened from kept for poll and to widen it; closing
     * closes both.
     */
    private static final class PipeInput extends FileInputStream {

        final int fd;
        private final Widening widening;
        private final AtomicBoolean closed = new AtomicBoolean();

        PipeInput(int fd) throws FileNotFoundException {
            super(LibC.path(fd));
            this.fd = fd;
            this.widening = new Widening(fd);
        }

        @Override
        public int read(byte[] into) throws IOException {
            return read(into, 0, into.length);
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = super.read(into, offset, length);
            widening.carried(n);
            return n;
        }

        @Override
        public void close() throws IOException {
            closeBoth(closed, super::close, fd);
        }
    }

    /** A pipe's write end as a stream, with the descriptor it was opened from kept to widen it; closing closes both. */
    private static final class PipeOutput extends FileOutputStream {

        private final int fd;
        private final Widening widening;
        private final AtomicBoolean closed = new AtomicBoolean();

        PipeOutput(int fd) throws FileNotFoundException {
            super(LibC.path(fd));
            this.fd = fd;
            this.widening = new Widening(fd);
        }

        @Override
        public void write(byte[] from) throws IOException {
            write(from, 0, from.length);
        }

        @Override
        public void write(byte[] from, int offset, int length) throws IOException {
            super.write(from, offset, length);
            widening.carried(length);
        }

        @Override
        public void close() throws IOException {
            closeBoth(closed, super::close, fd);
        }
    }

    /**
     * A pipe holds 64 KiB; a stream through `cat` then switches threads every 64 KiB on each side (cat itself writes
     * 128 KiB at a time). Once a pipe has carried {@link #AFTER} bytes it is a stream, and it is widened to
     * {@link #WIDE} (F_SETPIPE_SZ): the 1 GiB stream takes ~7% less time, with 40% fewer thread switches
     * (bench/RESULTS.md). Only then, because the kernel counts every pipe's capacity against a per-user limit
     * (fs.pipe-user-pages-soft, shared by the containers of that user on a node) past which new pipes get 8 KiB:
     * calls with small bodies and answers must not use it up. If the kernel refuses, the pipe stays as it is. The
     * JDK's path ({@link ChildProcess}) keeps 64 KiB pipes.
     */
    private static final class Widening {

        static final long AFTER = 1024 * 1024;
        static final int WIDE = 256 * 1024;

        private final int fd;
        private long carried;

        Widening(int fd) {
            this.fd = fd;
        }

        void carried(int bytes) {
            if (carried < AFTER && bytes > 0) {
                carried += bytes;
                if (carried >= AFTER) {
                    LibC.fcntl(fd, LibC.F_SETPIPE_SZ, WIDE);
                }
            }
        }
    }

    /** The C library calls, bound once (JNA direct mapping). */
    private static final class LibC {

        static final short POSIX_SPAWN_SETPGROUP = 0x02;
        static final short POSIX_SPAWN_SETSIGDEF = 0x04;
        /**
         * The signals the child sets to their default action outright: all but those the watchdog ignores (which
         * stay ignored across exec, as they would without posix_spawn). For a signal outside this set glibc's child
         * first asks how it is handled, then resets it if it has a handler: two calls instead of one, for each of
         * the 64 signals, at every start. Built once, by {@link #load()}.
         */
        static Pointer handledSignals;
        static final int POLLIN = 0x1;
        static final int F_SETPIPE_SZ = 1031;
        /** POLLIN, POLLERR, POLLHUP, POLLNVAL: a read will not block. */
        private static final int READABLE = 0x1 | 0x8 | 0x10 | 0x20;
        static final int SIGKILL = 9;
        private static final int O_CLOEXEC = 0x80000;
        private static final int SIGSTOP = 19;
        private static final int LAST_SIGNAL = 64;
        private static final long SIG_IGN = 1;
        /** sizeof(sigset_t) is 128 bytes in glibc, sizeof(struct sigaction) 152 on 64-bit machines: room to spare. */
        private static final int SIGSET_SIZE = 128;
        private static final int SIGACTION_SIZE = 256;
        private static final int P_PID = 1;
        private static final int WEXITED = 4;
        private static final int WNOWAIT = 0x1000000;
        private static final int EINTR = 4;
        private static final int SIGINFO_SIZE = 128;

        static native int pipe2(int[] fds, int flags) throws LastErrorException;

        static native int close(int fd);

        /** fcntl is variadic; with an int argument a fixed-argument call passes it the same way (x86-64, arm64). */
        static native int fcntl(int fd, int command, int argument);

        static native int posix_spawnattr_init(Pointer attributes);

        static native int posix_spawnattr_destroy(Pointer attributes);

        static native int posix_spawnattr_setflags(Pointer attributes, short flags);

        static native int posix_spawnattr_setpgroup(Pointer attributes, int processGroup);

        static native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

        static native int sigemptyset(Pointer set);

        static native int sigaddset(Pointer set, int signal);

        static native int sigaction(int signal, Pointer action, Pointer previous);

        static native int posix_spawn(int[] pid, String path, Pointer actions, Pointer attributes, Pointer argv,
                Pointer envp);

        static native int kill(int pid, int signal);

        static native int poll(int[] fds, long count, int timeout) throws LastErrorException;

        static native int posix_spawn_file_actions_init(Pointer actions);

        static native int posix_spawn_file_actions_destroy(Pointer actions);

        static native int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

        static native int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        static native int posix_spawnp(int[] pid, String file, Pointer actions, Pointer attributes, Pointer argv,
                Pointer envp);

        static native int waitid(int idType, int id, byte[] info, int options) throws LastErrorException;

        static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

        static native String strerror(int error);

        static boolean load() {
            // A native image is static (no dlopen) and a musl libc has no addclosefrom_np: those use the JDK. poll's
            // structs are read as ints here, which takes a little-endian machine (x86-64 and arm64 are).
            if (!"Linux".equals(System.getProperty("os.name"))
                    || System.getProperty("org.graalvm.nativeimage.imagecode") != null
                    || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                return false;
            }
            try {
                Native.register(LibC.class, "c");
                handledSignals = listHandledSignals();
                return true;
            } catch (Throwable unavailable) {
                LOG.debugf("posix_spawn not available (%s): fork modes start functions through the JDK", unavailable);
                return false;
            }
        }

        private static Pointer listHandledSignals() {
            Memory signals = new Memory(SIGSET_SIZE);
            sigemptyset(signals);
            Memory action = new Memory(SIGACTION_SIZE);
            for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
                // sa_handler comes first in struct sigaction; SIG_IGN is 1
                if (signal != SIGKILL && signal != SIGSTOP && sigaction(signal, null, action) == 0
                        && action.getLong(0) != SIG_IGN) {
                    sigaddset(signals, signal); // refuses glibc's own (32, 33), which is right
                }
            }
            return signals;
        }

        /** Whether the events poll returned in the high half of {@code eventsAndReturned} say a read won't block. */
        static boolean ready(int eventsAndReturned) {
            return ((eventsAndReturned >>> 16) & READABLE) != 0;
        }

        /** poll(2), again when a signal interrupts it: how many descriptors have something. */
        static int poll(int[] fds, int count, int timeout) {
            while (true) {
                try {
                    return poll(fds, (long) count, timeout);
                } catch (LastErrorException failed) {
                    if (failed.getErrorCode() != EINTR) {
                        throw new IllegalStateException("poll: " + failed.getMessage(), failed);
                    }
                }
            }
        }

        /** A pipe into {@code fds}, both ends closed on exec (the child gets its copies through dup2). */
        static void pipe(String program, int[] fds) {
            try {
                pipe2(fds, O_CLOEXEC);
            } catch (LastErrorException failed) {
                throw startFailed(program, failed.getErrorCode());
            }
        }

        static String path(int fd) {
            return "/proc/self/fd/" + fd;
        }

        /** The JDK's words for a failed start, so that they read the same whichever way the process was started. */
        static ChildProcess.StartFailedException startFailed(String program, int error) {
            return new ChildProcess.StartFailedException(program,
                    new IOException("Cannot run program \"" + program + "\": error=" + error + ", " + strerror(error)));
        }

        static void waitForExit(int pid) {
            byte[] info = new byte[SIGINFO_SIZE];
            while (true) {
                try {
                    waitid(P_PID, pid, info, WEXITED | WNOWAIT);
                    return;
                } catch (LastErrorException failed) {
                    if (failed.getErrorCode() != EINTR) {
                        throw new IllegalStateException("waitid " + pid + ": " + failed.getMessage(), failed);
                    }
                }
            }
        }

        /** Reaps an exited process: its exit code, or 128 + the signal that ended it, as java.lang.Process says. */
        static int reap(int pid) {
            int[] status = new int[1];
            waitpid(pid, status, 0);
            int signal = status[0] & 0x7f;
            return signal == 0 ? (status[0] >> 8) & 0xff : 128 + signal;
        }
    }
}
