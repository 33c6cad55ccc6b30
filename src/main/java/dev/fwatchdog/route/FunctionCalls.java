package dev.fwatchdog.route;

import java.time.Duration;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.metrics.FunctionMetrics;
import dev.fwatchdog.state.InFlight;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Opens {@link FunctionCall}s, and settles each one's metrics and request log line when it ends. */
@Singleton
public class FunctionCalls {

    @Inject
    Settings settings;

    @Inject
    InFlight inFlight;

    @Inject
    FunctionMetrics metrics;

    @Inject
    RequestLog requestLog;

    /**
     * A call from its arrival: its deadlines count from now.
     *
     * @param counted      false for a ready_path probe, which is neither counted, limited nor logged
     * @param reasonPhrase whether the log line gives the status as "200 OK" (http, static) or "200" (fork modes)
     */
    FunctionCall open(RoutingContext ctx, boolean counted, boolean reasonPhrase) {
        return new FunctionCall(ctx, this, counted, reasonPhrase);
    }

    void settle(FunctionCall call, boolean answered, long nanos) {
        RoutingContext ctx = call.ctx();
        metrics.observe(ctx.request().method(), ctx.response().getStatusCode(), nanos);
        requestLog.log(ctx.request(), call.status(answered), call.bytesWritten(), nanos);
    }

    Duration readTimeout() {
        return settings.readTimeout();
    }

    Duration writeTimeout() {
        return settings.writeTimeout();
    }

    InFlight inFlight() {
        return inFlight;
    }
}
