package dev.fwatchdog.process;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * One run of the function for one request (serializing and streaming modes). It is killed, with everything it
 * started, when exec_timeout passes or the client goes away; {@link #await()} then tells how it ended in
 * of-watchdog's words. Made by {@link FunctionRuns}.
 */
public final class FunctionRun {

    private final Vertx vertx;
    private final List<String> command;
    private final Duration execTimeout;
    private final ProcessIo io;
    private final LogPump stderr;
    private final Set<FunctionRun> live;
    private volatile FunctionProcess child;
    private volatile boolean killed;
    private volatile long timer = -1;

    FunctionRun(Vertx vertx, List<String> command, Duration execTimeout, ProcessIo io, LogPump stderr,
            Set<FunctionRun> live) {
        this.live = live;
        this.vertx = vertx;
        this.command = command;
        this.execTimeout = execTimeout;
        this.io = io;
        this.stderr = stderr;
    }

    /**
     * exec_timeout counts from here: called on the event loop as the call is handed to a process I/O thread. The
     * timer is set and cancelled on the event loop because from any other thread each is a task queued to it, and a
     * wake-up: two per call.
     */
    void startClock() {
        if (!execTimeout.isZero()) {
            timer = vertx.setTimer(Math.max(1, execTimeout.toMillis()), fired -> abort());
        }
    }

    /** The call is over (on the event loop): no timeout for it any more. */
    public void stopClock() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Starts the process with the request's environment. Blocks (process creation takes milliseconds): call it on a
     * {@link ProcessIo} thread.
     *
     * @throws ChildProcess.StartFailedException when the program cannot be run
     */
    public void start(Map<String, String> environment) {
        FunctionProcess started = FunctionProcess.start(command, environment);
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
