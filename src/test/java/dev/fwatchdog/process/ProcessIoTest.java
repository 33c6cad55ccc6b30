package dev.fwatchdog.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The process I/O threads' bound: it refuses new calls, never a thread a call already running needs. */
class ProcessIoTest {

    @Test
    void pastTheBoundNewCallsAreRefusedButRunningCallsGetTheirThreads() throws InterruptedException {
        ProcessIo io = new ProcessIo(1);
        CountDownLatch callGoesOn = new CountDownLatch(1);
        try {
            assertTrue(io.admit(() -> awaitQuietly(callGoesOn)));
            assertFalse(io.admit(() -> { }), "the only thread is busy: a second call is refused");
            CountDownLatch stdinWritten = new CountDownLatch(1);
            io.execute(stdinWritten::countDown);
            assertTrue(stdinWritten.await(10, TimeUnit.SECONDS),
                    "the running call's stdin writer got no thread: the call would hang");
        } finally {
            callGoesOn.countDown();
            io.stop();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }
}
