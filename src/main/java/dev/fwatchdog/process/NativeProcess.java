package dev.fwatchdog.process;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A fork-mode function started with the C library's posix_spawn rather than the JDK's ProcessBuilder. The JDK's
 * child closes every descriptor it inherits one by one before it runs exec, and the cost grows with their number;
 * posix_spawn closes them all with one close_range (posix_spawn_file_actions_addclosefrom_np), whatever their number
 * (bench/RESULTS.md). Available where {@link LibC} could bind every call it needs (glibc 2.34 or newer); elsewhere
 * {@link ChildProcess} is used.
 */
final class NativeProcess implements FunctionProcess {

    private final int pid;
    private final Pipes.Output stdin;
    private final Pipes.Input stdoutPipe;
    private final Pipes.Input stderrPipe;
    private final InputStream stdout;
    private final InputStream stderr;
    /** Made when stderr first has something, which most functions never write to; used by readOutput's thread. */
    private byte[] errorChunk;
    /** Guarded by this: once the process is reaped its pid may be reused, so it is never signalled again. */
    private boolean reaped;
    private int exitCode;

    private NativeProcess(int pid, Pipes.Output stdin, Pipes.Input stdout, Pipes.Input stderr) {
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
        int[] fds = {-1, -1, -1, -1, -1, -1};
        Pipes.Output stdin = null;
        Pipes.Input stdout = null;
        Pipes.Input stderr = null;
        boolean started = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pipes = arena.allocate(JAVA_INT, fds.length);
            MemorySegment callState = LibC.callState(arena);
            for (int pipe = 0; pipe < 3; pipe++) {
                int error = LibC.pipe(pipes.asSlice(pipe * 2L * Integer.BYTES), callState);
                if (error != 0) {
                    throw failed(program, error);
                }
                fds[pipe * 2] = pipes.getAtIndex(JAVA_INT, pipe * 2L);
                fds[pipe * 2 + 1] = pipes.getAtIndex(JAVA_INT, pipe * 2L + 1);
            }
            // The watchdog's ends as Java streams, opened through /proc while the child's ends are still held here:
            // opening a pipe that way waits for a partner on the other end, which the child may already have dropped.
            stdin = new Pipes.Output(fds[1]);
            fds[1] = -1;
            stdout = new Pipes.Input(fds[2]);
            fds[2] = -1;
            stderr = new Pipes.Input(fds[4]);
            fds[4] = -1;
            MemorySegment pid = arena.allocate(JAVA_INT);
            // Found once, then started by its path; a program not found is left to posix_spawnp, to say why.
            Optional<Path> path = Executables.find(program);
            int error = LibC.spawn(pid, arena.allocateFrom(path.map(Path::toString).orElse(program)), path.isEmpty(),
                    new SpawnArguments(arena, command, extraEnvironment), fds[0], fds[3], fds[5]);
            if (error != 0) {
                throw failed(program, error);
            }
            started = true;
            return new NativeProcess(pid.get(JAVA_INT, 0), stdin, stdout, stderr);
        } catch (IOException cannotOpen) {
            throw StartFailedException.fromJdk(program, cannotOpen);
        } finally {
            if (!started) {
                closeQuietly(stdin);
                closeQuietly(stdout);
                closeQuietly(stderr);
            }
            for (int fd : fds) {
                if (fd >= 0) {
                    LibC.close(fd);
                }
            }
        }
    }

    private static StartFailedException failed(String program, int errno) {
        return new StartFailedException(program, errno, LibC.strerror(errno), null);
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
    public long pid() {
        return pid;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    /** The pipe itself, widened at once: what comes this way is a stream. */
    @Override
    public WritableByteChannel stdinChannel() {
        return stdin.wideChannel();
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
     * hand-off, a wake-up and a blocked thread per call, for a stream most functions never write to. stdout is read
     * into memory off the heap, which the JDK reads into and writes from without a copy.
     */
    @Override
    public void readOutput(int chunkSize, StdoutSink sink, LogPump log, Executor io) throws IOException,
            InterruptedException {
        LogPump.Lines errorLines = log.lines();
        boolean errorsOpen = true;
        try (Arena arena = Arena.ofConfined(); stdout) {
            ByteBuffer chunk = arena.allocate(chunkSize).asByteBuffer();
            MemorySegment polled = arena.allocate(2L * LibC.POLLFD_SIZE, Integer.BYTES);
            MemorySegment callState = LibC.callState(arena);
            watch(polled, 0, stdoutPipe.fd);
            watch(polled, 1, stderrPipe.fd);
            while (true) {
                LibC.poll(polled, errorsOpen ? 2 : 1, -1, callState);
                if (errorsOpen && readable(polled, 1)) {
                    errorsOpen = forward(errorLines);
                }
                if (readable(polled, 0)) {
                    int n = stdoutPipe.read(chunk.clear());
                    if (n < 0 || !sink.accept(chunk.flip())) {
                        break;
                    }
                    if (n == chunk.capacity() && n < Pipes.Descriptor.WIDE && stdoutPipe.wide()) {
                        // A stream: read what the widened pipe holds at once.
                        chunk = arena.allocate(Pipes.Descriptor.WIDE).asByteBuffer();
                    }
                }
            }
            if (errorsOpen) {
                errorsOpen = forwardWaiting(errorLines, polled, callState);
            }
        } finally {
            if (errorsOpen) {
                io.execute(() -> log.pump(stderrPipe, errorLines));
            }
        }
    }

    /** The {@code index}th struct pollfd: {int fd; short events; short revents;}. */
    private static void watch(MemorySegment polled, int index, int fd) {
        polled.set(JAVA_INT, index * (long) LibC.POLLFD_SIZE, fd);
        polled.set(JAVA_SHORT, index * (long) LibC.POLLFD_SIZE + 4, LibC.POLLIN);
    }

    /** Whether poll said a read of the {@code index}th descriptor will not block. */
    private static boolean readable(MemorySegment polled, int index) {
        return (polled.get(JAVA_SHORT, index * (long) LibC.POLLFD_SIZE + 6) & LibC.READABLE) != 0;
    }

    /** Reads what stderr has (poll said it has something); false once it has ended. */
    private boolean forward(LogPump.Lines lines) throws IOException {
        if (errorChunk == null) {
            errorChunk = new byte[LogPump.CHUNK];
        }
        byte[] chunk = errorChunk;
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
     * stdout is over: what stderr has now is forwarded here; true if it is still open after that (the function
     * closed stdout early, or left a process behind that holds stderr), for a thread to forward the rest.
     */
    private boolean forwardWaiting(LogPump.Lines lines, MemorySegment polled, MemorySegment callState)
            throws IOException {
        watch(polled, 0, stderrPipe.fd);
        while (LibC.poll(polled, 1, 0, callState) > 0 && readable(polled, 0)) {
            if (!forward(lines)) {
                return false;
            }
        }
        return true;
    }

    /**
     * SIGKILL to the process group, which holds everything the function started unless it left the group; those
     * that left (setsid) are found first, as descendants, and killed after.
     */
    @Override
    public synchronized void kill() {
        if (!reaped) {
            ProcessHandle.of(pid).ifPresent(process -> ProcessTree.stop(process, () -> LibC.kill(-pid, LibC.SIGKILL)));
        }
    }

    @Override
    public synchronized void terminate() {
        if (!reaped) {
            LibC.kill(-pid, LibC.SIGTERM);
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
}
