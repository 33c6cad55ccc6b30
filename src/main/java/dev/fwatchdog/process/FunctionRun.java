package dev.fwatchdog.process;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

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
    private volatile ChildProcess child;
    private volatile boolean killed;
    private volatile long timer = -1;

    FunctionRun(Vertx vertx, List<String> command, Duration execTimeout, ProcessIo io, LogPump stderr) {
        this.vertx = vertx;
        this.command = command;
        this.execTimeout = execTimeout;
        this.io = io;
        this.stderr = stderr;
    }

    /**
     * Starts the process with the request's environment and forwards its stderr to the log. Blocks (process creation
     * takes milliseconds): call it on a {@link ProcessIo} thread.
     *
     * @throws ChildProcess.MissingProgramException when the program cannot be run
     */
    public void start(Map<String, String> environment) {
        ChildProcess started = ChildProcess.start(command, environment);
        child = started;
        if (killed) {
            started.kill();
        } else if (!execTimeout.isZero()) {
            timer = vertx.setTimer(Math.max(1, execTimeout.toMillis()), fired -> kill());
        }
        io.execute(() -> stderr.pump(started.process().getErrorStream()));
    }

    /** The function's stdin, to pipe the request body into; it is written on a {@link ProcessIo} thread. */
    public StdinStream stdin(Context context) {
        return new StdinStream(context, child.process().getOutputStream(), io);
    }

    public InputStream stdout() {
        return child.process().getInputStream();
    }

    /** exec_timeout or a client that went away: the run ends here, whatever stage it is in. */
    public void kill() {
        killed = true;
        ChildProcess running = child;
        if (running != null) {
            running.kill();
        }
    }

    /** Waits for the exit: {@code null} when it succeeded, else the error text of of-watchdog ("exit status 1"). */
    public String await() {
        int exit = child.waitFor();
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (killed) {
            return "signal: killed";
        }
        return exit == 0 ? null : "exit status " + exit;
    }
}
