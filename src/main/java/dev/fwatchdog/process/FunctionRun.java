package dev.fwatchdog.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

/**
 * One run of the function for one request (serializing and streaming modes). It is killed, with everything it
 * started, when its call asks (exec_timeout, a client gone); {@link #await()} then tells how it ended in of-watchdog's
 * words. Made by {@link FunctionRuns}.
 */
public final class FunctionRun {

    private final List<String> command;
    private final boolean throughJdk;
    private final ProcessIo io;
    private final LogPump stderr;
    private final Set<FunctionRun> live;
    private volatile FunctionProcess child;
    private volatile boolean killed;

    FunctionRun(List<String> command, boolean throughJdk, ProcessIo io, LogPump stderr, Set<FunctionRun> live) {
        this.throughJdk = throughJdk;
        this.live = live;
        this.command = command;
        this.io = io;
        this.stderr = stderr;
    }

    /**
     * Starts the process with the request's environment. Blocks (process creation takes milliseconds): call it on a
     * {@link ProcessIo} thread.
     *
     * @throws StartFailedException when the program cannot be run
     */
    public void start(Map<String, String> environment) {
        FunctionProcess started = FunctionProcess.start(command, environment, throughJdk);
        child = started;
        live.add(this);
        if (killed) {
            started.kill();
        }
    }

    /**
     * Bodies up to this size are written to stdin by the calling thread: a new pipe holds at least one page
     * (PIPE_BUF, 4 KiB on Linux), so the write cannot block even if the function reads nothing, and no thread
     * has to be woken for it.
     */
    public static final int SMALL_INPUT = 4096;

    /** Writes a body of at most {@link #SMALL_INPUT} bytes to stdin and closes it. */
    public void writeSmallInput(Buffer body) {
        try (OutputStream stdin = child.stdin()) {
            stdin.write(body.getBytes());
        } catch (IOException functionClosedItsInput) {
            // its choice: the answer is what it writes
        }
    }

    /** The function's stdin, to pipe the request body into; it is written on a {@link ProcessIo} thread. */
    public StdinStream stdin(Context context) {
        return new StdinStream(context, child.stdin(), io);
    }

    /**
     * Runs {@code feeder} on a {@link ProcessIo} thread with the function's stdin as a channel (for bytes off the
     * heap), and closes stdin after it.
     */
    public void feed(Consumer<WritableByteChannel> feeder) {
        io.execute(() -> {
            try (WritableByteChannel stdin = child.stdinChannel()) {
                feeder.accept(stdin);
            } catch (IOException alreadyClosed) {
                // the function closed its end: nothing to tell it
            }
        });
    }

    /**
     * Reads the function's stdout into {@code sink} until it ends (or the sink takes no more), forwarding its stderr
     * to the log meanwhile. On the {@link ProcessIo} thread that started it.
     */
    public void readOutput(int chunkSize, StdoutSink sink) throws IOException, InterruptedException {
        child.readOutput(chunkSize, sink, stderr, io);
    }

    /** The run ends here, whatever stage it is in. Blocks briefly: it lists the process's descendants in /proc. */
    public void kill() {
        killed = true;
        FunctionProcess running = child;
        if (running != null) {
            running.kill();
        }
    }

    /**
     * exec_timeout or a client that went away, on the event loop: the run counts as killed at once, and a
     * {@link ProcessIo} thread sends the signals, since listing the descendants reads /proc (a read per process on
     * the machine's view, blocking work that would hold up every other call on the loop).
     */
    public void abort() {
        killed = true;
        FunctionProcess running = child;
        if (running != null) {
            io.execute(running::kill);
        }
    }

    /** Waits for the exit: {@code null} when it succeeded, else the error text of of-watchdog ("exit status 1"). */
    public String await() {
        int exit = child.waitFor();
        live.remove(this);
        if (killed) {
            return "signal: killed";
        }
        return exit == 0 ? null : "exit status " + exit;
    }
}
