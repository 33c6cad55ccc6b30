package dev.fwatchdog.route;

import dev.fwatchdog.auth.JwtAuth;
import dev.fwatchdog.config.InvalidSettingException;
import dev.fwatchdog.config.Mode;
import dev.fwatchdog.config.Settings;
import dev.fwatchdog.health.HealthEndpoints;
import dev.fwatchdog.lifecycle.Serving;
import dev.fwatchdog.metrics.FunctionMetrics;
import dev.fwatchdog.mode.FunctionMode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The main port. One handler for every request: /_/health and /_/ready (exact paths) are the watchdog's own; every
 * other path and method is a function call and goes metrics, then max_inflight, then JWT (when on), then the mode.
 */
@ApplicationScoped
public class WatchdogRoutes {

    @Inject
    Settings settings;

    @Inject
    Instance<FunctionMode> modes;

    @Inject
    HealthEndpoints health;

    @Inject
    FunctionMetrics metrics;

    @Inject
    InflightLimit limit;

    @Inject
    CallDeadlines deadlines;

    @Inject
    Serving serving;

    @Inject
    JwtAuth jwtAuth;

    @Inject
    Vertx vertx;

    private FunctionMode mode;

    void routes(@Observes Router router) {
        mode = resolveMode();
        if (settings.jwtAuth()) {
            jwtAuth.start(vertx);
        }
        router.route().handler(this::dispatch);
    }

    private FunctionMode resolveMode() {
        if (!modes.isResolvable()) {
            Mode wanted = settings.mode();
            throw new InvalidSettingException("mode " + wanted.value() + " is not available in this build yet");
        }
        return modes.get();
    }

    private void dispatch(RoutingContext ctx) {
        switch (ctx.request().path()) {
            case "/_/health" -> health.health(ctx);
            case "/_/ready" -> health.ready(ctx);
            default -> {
                if (ctx.get(HealthEndpoints.READY_PROBE) != null) {
                    mode.handle(ctx);
                } else {
                    call(ctx);
                }
            }
        }
    }

    private void call(RoutingContext ctx) {
        if (!serving.takingCalls()) {
            turnAway(ctx);
            return;
        }
        String method = ctx.request().method().name();
        long start = System.nanoTime();
        metrics.started();
        ctx.addEndHandler(ended -> metrics.finished(method, ctx.response().getStatusCode(), System.nanoTime() - start));
        deadlines.arm(ctx);
        if (!limit.admit(ctx)) {
            return;
        }
        if (settings.jwtAuth()) {
            jwtAuth.check(ctx, () -> mode.handle(ctx));
        } else {
            mode.handle(ctx);
        }
    }

    /**
     * After healthcheck_interval a shutting-down watchdog takes no new calls. Vert.x 4 cannot close a listening socket
     * without dropping the connections in flight, so the listener stays open and answers 503 with Connection: close.
     */
    private static void turnAway(RoutingContext ctx) {
        ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain").putHeader("Connection", "close")
                .putHeader("X-OpenFaaS-Internal", "of-watchdog").end("the watchdog is shutting down\n");
    }
}
