package dev.fwatchdog.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.vertx.core.Vertx;

/**
 * One run of the function for one request. It is killed, with everything it started, when exec_timeout passes or
 * the client goes away; {@link #await()} then tells how it ended in of-watchdog's words.
 */
public final class FunctionRun {

    private final Vertx vertx;
    private final Duration execTimeout;
    private volatile ChildProcess child;
    private volatile boolean killed;
    private long timer = -1;

    public FunctionRun(Vertx vertx, Duration execTimeout) {
        this.vertx = vertx;
        this.execTimeout = execTimeout;
    }

    /**
     * Starts the process. Blocks (process creation takes milliseconds): call it on a {@link ProcessIo} thread.
     *
     * @throws ChildProcess.MissingProgramException when the program cannot be run
     */
    public void start(List<String> command, Map<String, String> environment, ProcessIo io, LogPump stderr) {
        ChildProcess started = ChildProcess.start(command, environment);
        child = started;
        if (killed) {
            started.kill();
        } else if (!execTimeout.isZero()) {
            timer = vertx.setTimer(Math.max(1, execTimeout.toMillis()), fired -> kill());
        }
        io.execute(() -> stderr.pump(started.process().getErrorStream()));
    }

    public OutputStream stdin() {
        return child.process().getOutputStream();
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
