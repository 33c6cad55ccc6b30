package dev.fwatchdog.state;

import java.util.concurrent.atomic.AtomicInteger;

import dev.fwatchdog.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The function calls in flight: what max_inflight limits, /_/ready reports, the in-flight gauge shows and a graceful
 * shutdown waits for. One count for all of them.
 */
@Singleton
public class InFlight {

    private final AtomicInteger count = new AtomicInteger();
    private int max;

    @Inject
    Settings settings;

    @PostConstruct
    void init() {
        max = settings.maxInflight();
    }

    /** Takes a place for a call: false when max_inflight calls are running already. Pair with {@link #leave}. */
    public boolean enter() {
        if (max == 0) {
            count.incrementAndGet();
            return true;
        }
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void leave() {
        count.decrementAndGet();
    }

    public int count() {
        return count.get();
    }

    public boolean atCapacity() {
        return max > 0 && count.get() >= max;
    }

    public int max() {
        return max;
    }
}
