package dev.fwatchdog.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.fwatchdog.config.InvalidSettingException;
import dev.fwatchdog.config.Mode;
import dev.fwatchdog.config.Settings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * afterburn mode's workers (WATCHDOG.md 4.6): afterburn_workers copies of fprocess started with the watchdog, each
 * lent to one call at a time, first come first served. A worker that exits, falls out of step or runs out of time is
 * replaced at once; one that keeps exiting right after its start is restarted with a back-off.
 */
@Singleton
public class WorkerPool {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;
    static final long STDIN_CLOSED_GRACE_SECONDS = 1;
    static final long SIGTERM_GRACE_SECONDS = 5;

    @Inject
    Settings settings;

    // Guarded by this.
    private final Set<Worker> current = new HashSet<>();
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private int[] youngExits;
    private boolean stopping;

    private ScheduledExecutorService restarts;
    private LogPump stderr;

    /** A call's place in the queue for a worker. */
    public static final class Waiting {
        private final Executor callThread;
        private final Consumer<Worker> given;
        private boolean served;

        private Waiting(Executor callThread, Consumer<Worker> given) {
            this.callThread = callThread;
            this.given = given;
        }
    }

    void start(@Observes StartupEvent start) {
        if (settings.mode() != Mode.AFTERBURN) {
            return;
        }
        int count = settings.afterburnWorkers();
        stderr = new LogPump(System.err, "stderr", settings.prefixLogs(), settings.logBufferSize());
        youngExits = new int[count + 1];
        restarts = Executors.newSingleThreadScheduledExecutor(work -> {
            Thread thread = new Thread(work, "afterburn-restarts");
            thread.setDaemon(true);
            return thread;
        });
        LOG.infof("Starting %d afterburn worker%s: %s", count, count == 1 ? "" : "s",
                String.join(" ", settings.functionProcess()));
        for (int slot = 1; slot <= count; slot++) {
            Worker worker;
            try {
                worker = startWorker(slot);
            } catch (StartFailedException failed) {
                stop(null);
                throw new InvalidSettingException("cannot start fprocess: " + failed.getMessage());
            }
            synchronized (this) {
                current.add(worker);
                idle.add(worker);
            }
        }
    }

    private Worker startWorker(int slot) {
        Worker worker = Worker.start(slot, () -> FunctionProcess.start(settings.functionProcess(), Map.of(),
                settings.spawnThroughJdk()), stderr);
        worker.exit().thenAccept(code -> exited(worker, code));
        LOG.debugf("Afterburn worker %d started, pid %d", slot, worker.pid());
        return worker;
    }

    /** Workers started and not exited: /_/ready is 503 while there are none. */
    public synchronized int up() {
        return (int) current.stream().filter(Worker::running).count();
    }

    /**
     * Lends a worker to a call: at once, on this thread, when one is free and sound; else when its turn comes, through
     * {@code callThread}. Workers found out of step meanwhile are replaced, not lent.
     */
    public Waiting acquire(Executor callThread, Consumer<Worker> given) {
        Waiting call = new Waiting(callThread, given);
        Worker free = null;
        List<Worker> unsound = new ArrayList<>(0);
        synchronized (this) {
            while (free == null && !idle.isEmpty()) {
                Worker candidate = idle.poll();
                if (candidate.sound()) {
                    free = candidate;
                } else {
                    unsound.add(candidate);
                }
            }
            if (free == null) {
                waiting.add(call);
            } else {
                call.served = true;
            }
        }
        unsound.forEach(worker -> discard(worker, "output left over from an earlier call"));
        if (free != null) {
            given.accept(free);
        }
        return call;
    }

    /** Takes a call out of the queue: true when it was still waiting, false when a worker is already on its way. */
    public synchronized boolean cancel(Waiting call) {
        return !call.served && waiting.remove(call);
    }

    /** A call is done with its worker: lent again, or replaced when it is not fit for another call. */
    public void release(Worker worker) {
        if (worker.sound()) {
            offer(worker);
        } else {
            discard(worker, worker.running() ? "output left over after its answer" : "exited");
        }
    }

    /** Kills a worker that cannot go on (out of time, out of step, gone) and starts another in its place. */
    public void discard(Worker worker, String why) {
        if (worker.running()) {
            worker.kill();
        }
        boolean replace;
        synchronized (this) {
            replace = current.remove(worker) && !stopping;
            idle.remove(worker);
        }
        if (replace) {
            LOG.warnf("Afterburn worker %d replaced: %s", worker.slot(), why);
            restarts.execute(() -> restart(worker.slot()));
        }
    }

    private void offer(Worker worker) {
        Waiting next;
        synchronized (this) {
            if (!current.contains(worker)) {
                return;
            }
            next = waiting.poll();
            if (next == null) {
                idle.add(worker);
                return;
            }
            next.served = true;
        }
        next.callThread.execute(() -> next.given.accept(worker));
    }

    /** A worker exited: when idle it is replaced here; when lent, its call finds out and discards it. */
    private void exited(Worker worker, int code) {
        int slot = worker.slot();
        int youngInARow;
        synchronized (this) {
            if (stopping || !idle.remove(worker)) {
                return;
            }
            current.remove(worker);
            youngInARow = worker.diedYoung() ? ++youngExits[slot] : (youngExits[slot] = 0);
        }
        long delay = backoffMillis(youngInARow);
        if (delay > 0) {
            LOG.warnf("Afterburn worker %d exited with code %d within a second of its start, %d times in a row: "
                    + "starting another in %.0fs", slot, code, youngInARow, delay / 1000.0);
        } else {
            LOG.warnf("Afterburn worker %d exited with code %d: starting another", slot, code);
        }
        restarts.schedule(() -> restart(slot), delay, TimeUnit.MILLISECONDS);
    }

    /** None for a worker that lived, then 1 s, 2 s, 4 s and at most 5 s for one that keeps exiting young. */
    private static long backoffMillis(int youngInARow) {
        return youngInARow == 0 ? 0 : Math.min(MAX_BACKOFF_MILLIS, 1000L << Math.min(youngInARow - 1, 3));
    }

    private void restart(int slot) {
        Worker worker;
        try {
            worker = startWorker(slot);
        } catch (StartFailedException failed) {
            int times;
            synchronized (this) {
                times = ++youngExits[slot];
            }
            long delay = backoffMillis(times);
            LOG.errorf("Afterburn worker %d cannot be started: %s; trying again in %.0fs", slot, failed.getMessage(),
                    delay / 1000.0);
            restarts.schedule(() -> restart(slot), delay, TimeUnit.MILLISECONDS);
            return;
        }
        synchronized (this) {
            if (stopping) {
                worker.kill();
                return;
            }
            current.add(worker);
        }
        offer(worker);
    }

    /**
     * After the drain (WATCHDOG.md 6): the workers' stdin is closed, which tells a worker that reads calls in a loop
     * to end; SIGTERM to those still running 1 s later, SIGKILL 5 s after that.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        List<Worker> workers;
        synchronized (this) {
            stopping = true;
            workers = new ArrayList<>(current);
            current.clear();
            idle.clear();
        }
        if (restarts != null) {
            restarts.shutdownNow();
        }
        if (workers.isEmpty()) {
            return;
        }
        LOG.infof("Stopping %d afterburn workers: stdin closed, SIGTERM after %ds, SIGKILL %ds after that",
                workers.size(), STDIN_CLOSED_GRACE_SECONDS, SIGTERM_GRACE_SECONDS);
        workers.forEach(Worker::closeStdin);
        List<Worker> left = awaitExits(workers, STDIN_CLOSED_GRACE_SECONDS);
        left.forEach(Worker::terminate);
        left = awaitExits(left, SIGTERM_GRACE_SECONDS);
        if (!left.isEmpty()) {
            LOG.warnf("%d afterburn workers did not stop in time: SIGKILL", left.size());
        }
        left.forEach(Worker::kill);
        awaitExits(left, SIGTERM_GRACE_SECONDS);
    }

    /** Waits up to {@code seconds} in all for the workers to exit; those still running. */
    private static List<Worker> awaitExits(List<Worker> workers, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Worker> running = new ArrayList<>();
        for (Worker worker : workers) {
            CompletableFuture<Integer> exit = worker.exit();
            try {
                exit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException stillRunning) {
                running.add(worker);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                running.add(worker);
            } catch (ExecutionException impossible) {
                // the exit future is only ever completed with a code
            }
        }
        return running;
    }
}
