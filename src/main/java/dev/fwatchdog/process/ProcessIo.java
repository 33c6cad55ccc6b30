package dev.fwatchdog.process;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The threads that do blocking process I/O (Java's process streams block), kept off the event loop and out of
 * Quarkus' worker pool. Bounded: past the bound a call is refused rather than the machine run out of threads.
 */
@ApplicationScoped
public class ProcessIo implements Executor {

    /**
     * Each running function call holds up to three threads: stdin, stdout and stderr (two through posix_spawn, where
     * one thread reads both stdout and stderr).
     */
    static final int MAX_THREADS = 3 * 512;

    private final AtomicInteger threadCount = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), work -> {
                Thread thread = new Thread(work, "function-io-" + threadCount.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });

    /** @throws java.util.concurrent.RejectedExecutionException when every thread is busy */
    @Override
    public void execute(Runnable work) {
        pool.execute(work);
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
