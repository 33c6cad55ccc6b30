package dev.fwatchdog.mode;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

/**
 * The part of the heap that whole bodies may fill: serializing mode holds each request body and each answer whole,
 * and so does http_buffer_req_body. Shared by all calls at once, so that no mix of them runs the watchdog out of
 * memory (three 15 MB bodies at once did, with a 64 MB heap, and stalled every call).
 */
@Singleton
public class HeapBudget {

    /**
     * Half the heap (32 MiB with the image's -Xmx64m), counting a call's body and its answer: both are held once,
     * as the pieces read, and the watchdog itself lives in a few MB. A bigger heap (JAVA_OPTS) holds more.
     */
    static final long LIMIT = Runtime.getRuntime().maxMemory() / 2;

    private final AtomicLong held = new AtomicLong();

    /** A call's share of the budget, given back when the call ends (answered, or the client gone). */
    Share share(Call call) {
        Share share = new Share();
        call.whenDone(share::release);
        return share;
    }

    enum Verdict {
        TAKEN,
        /** This call alone would hold more than the whole budget. */
        TOO_LARGE,
        /** Other calls hold the rest for now (or this call is over). */
        BUSY
    }

    final class Share {
        private long mine;
        private boolean over;

        synchronized Verdict take(long bytes) {
            if (over) {
                return Verdict.BUSY;
            }
            if (mine + bytes > LIMIT) {
                return Verdict.TOO_LARGE;
            }
            long now;
            do {
                now = held.get();
                if (now + bytes > LIMIT) {
                    return Verdict.BUSY;
                }
            } while (!held.compareAndSet(now, now + bytes));
            mine += bytes;
            return Verdict.TAKEN;
        }

        private synchronized void release() {
            over = true;
            held.addAndGet(-mine);
            mine = 0;
        }
    }
}
