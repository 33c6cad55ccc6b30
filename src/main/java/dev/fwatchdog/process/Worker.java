package dev.fwatchdog.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One afterburn worker: a long-lived copy of fprocess, in a process group of its own, that answers calls one after
 * another over its stdin and stdout (WATCHDOG.md 4.6). Its stderr goes to the log for as long as it runs.
 */
public final class Worker {

    private final int slot;
    private final FunctionProcess process;
    private final long startedAt = System.nanoTime();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    /** Its answers are read through this, one call at a time: no new array per call. */
    private final byte[] readBuffer = new byte[64 * 1024];
    private volatile boolean killed;

    private Worker(int slot, FunctionProcess process) {
        this.slot = slot;
        this.process = process;
    }

    /**
     * Starts a worker; {@link #exit()} completes with its exit code, on a thread of the worker's own.
     *
     * @throws StartFailedException when the program cannot be run at all
     */
    static Worker start(int slot, Supplier<FunctionProcess> starter, LogPump stderr) {
        Worker worker = new Worker(slot, starter.get());
        daemon("afterburn-" + slot + "-stderr", () -> stderr.pump(worker.process.stderr()));
        daemon("afterburn-" + slot + "-exit", () -> {
            worker.exit.complete(worker.process.waitFor());
        });
        return worker;
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Which of the pool's places this worker fills, from 1. */
    public int slot() {
        return slot;
    }

    public OutputStream stdin() {
        return process.stdin();
    }

    public InputStream stdout() {
        return process.stdout();
    }

    /** A buffer for reading the current call's answer off stdout; the worker serves one call at a time. */
    public byte[] readBuffer() {
        return readBuffer;
    }

    boolean running() {
        return !exit.isDone();
    }

    /** Fit for a new call: running, and nothing left unread from an earlier one. */
    boolean sound() {
        try {
            return running() && process.stdout().available() == 0;
        } catch (IOException closed) {
            return false;
        }
    }

    /** Whether it exited on its own within a second of its start. */
    boolean diedYoung() {
        return !killed && System.nanoTime() - startedAt < 1_000_000_000L;
    }

    /** SIGKILL to the worker and everything it started: it is out of step or out of time. */
    public void kill() {
        killed = true;
        process.kill();
    }

    void closeStdin() {
        try {
            process.stdin().close();
        } catch (IOException alreadyClosed) {
            // the worker has gone
        }
    }

    void terminate() {
        process.terminate();
    }

    CompletableFuture<Integer> exit() {
        return exit;
    }

    long pid() {
        return process.pid();
    }
}
