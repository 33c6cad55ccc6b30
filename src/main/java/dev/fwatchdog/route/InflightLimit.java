package dev.fwatchdog.route;

import java.util.concurrent.atomic.AtomicInteger;

import dev.fwatchdog.config.Settings;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** max_inflight: a function call beyond the limit is answered 429 at once, as of-watchdog's faas-middleware does. */
@ApplicationScoped
public class InflightLimit {

    private final AtomicInteger inFlight = new AtomicInteger();
    private int max;
    private String rejection;

    @Inject
    Settings settings;

    @PostConstruct
    void init() {
        max = settings.maxInflight();
        rejection = "Concurrent request limit exceeded. Max concurrent requests: " + max + "\n";
    }

    /** Takes a place for this call, released when its response ends; false (and a 429 sent) when there is none. */
    public boolean admit(RoutingContext ctx) {
        if (max == 0) {
            return true;
        }
        if (inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            ctx.response().setStatusCode(429)
                    .putHeader("Content-Type", "text/plain")
                    .putHeader("X-OpenFaaS-Internal", "faas-middleware")
                    .putHeader("Retry-After", "1")
                    .end(rejection);
            return false;
        }
        ctx.addEndHandler(ended -> inFlight.decrementAndGet());
        return true;
    }

    public boolean atCapacity() {
        return max > 0 && inFlight.get() >= max;
    }

    public int max() {
        return max;
    }
}
