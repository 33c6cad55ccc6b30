package dev.fwatchdog.process;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * The threads that do blocking process I/O (Java's process streams block), kept off the event loop and out of
 * Quarkus' worker pool. Bounded: past the bound a call is refused rather than the machine run out of threads.
 */
@Singleton
public class ProcessIo implements Executor {

    /**
     * Each running function call holds up to three threads: stdin, stdout and stderr (two through posix_spawn, where
     * one thread reads both stdout and stderr).
     */
    static final int MAX_THREADS = 3 * 512;

    private final AtomicInteger threadCount = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    public ProcessIo() {
        this(MAX_THREADS);
    }

    ProcessIo(int maxThreads) {
        pool = new ThreadPoolExecutor(0, maxThreads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), work -> {
            Thread thread = new Thread(work, "function-io-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts a call on a thread of its own: false when every thread is busy, so that the call can be refused. */
    public boolean admit(Runnable call) {
        try {
            pool.execute(call);
            return true;
        } catch (RejectedExecutionException everyThreadBusy) {
            return false;
        }
    }

    /**
     * A thread that a call already admitted needs to go on (its stdin writer, a stderr reader): one of the pool's, or
     * past the bound a thread of its own. Refusing it would leave the call and its process hanging; the bound holds
     * at {@link #admit}, which refuses new calls while the pool is full.
     */
    @Override
    public void execute(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException everyThreadBusy) {
            pool.getThreadFactory().newThread(work).start();
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
