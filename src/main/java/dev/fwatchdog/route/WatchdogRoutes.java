package dev.fwatchdog.route;

import java.util.Map;

import dev.fwatchdog.auth.JwtAuth;
import dev.fwatchdog.config.InvalidSettingException;
import dev.fwatchdog.config.Settings;
import dev.fwatchdog.mode.FunctionMode;
import dev.fwatchdog.state.Serving;
import io.quarkus.runtime.LaunchMode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/**
 * The main port. One handler for every request: /_/health and /_/ready (exact paths) are the watchdog's own; every
 * other path and method is a function call, opened as a {@link FunctionCall} (deadlines, metrics, the log line), then
 * max_inflight, then JWT (when on), then the mode.
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
    FunctionCalls calls;

    @Inject
    Serving serving;

    @Inject
    JwtAuth jwtAuth;

    @Inject
    Vertx vertx;

    private FunctionMode mode;
    private String rejection;

    void routes(@Observes Router router) {
        mode = resolveMode();
        rejection = "Concurrent request limit exceeded. Max concurrent requests: " + settings.maxInflight();
        if (settings.jwtAuth()) {
            jwtAuth.start(vertx);
        }
        Route every = router.route();
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            // Ahead of the filters Quarkus installs: the HTTP security handlers that quarkus-smallrye-jwt brings run
            // on every request otherwise, though JWT is checked here (when jwt_auth is on) and nowhere else. Dev mode
            // keeps Quarkus' routes first, for the Dev UI.
            every.order(Integer.MIN_VALUE);
        }
        every.handler(this::dispatch);
    }

    /** Settings has checked the mode's name; a build without that mode's bean is a start-up failure, not a 500. */
    private FunctionMode resolveMode() {
        if (!modes.isResolvable()) {
            throw new InvalidSettingException("mode " + settings.mode().value() + " has no implementation");
        }
        return modes.get();
    }

    private void dispatch(RoutingContext ctx) {
        switch (ctx.request().path()) {
            case "/_/health" -> health.health(ctx);
            case "/_/ready" -> health.ready(ctx);
            default -> {
                if (ctx.get(HealthEndpoints.READY_PROBE) != null) {
                    mode.handle(calls.open(ctx, false, mode.logsReasonPhrase()));
                } else {
                    call(ctx);
                }
            }
        }
    }

    private void call(RoutingContext ctx) {
        FunctionCall call = calls.open(ctx, true, mode.logsReasonPhrase());
        if (!serving.takingCalls()) {
            // After healthcheck_interval a shutting-down watchdog takes no new calls. Vert.x 4 cannot close a
            // listening socket without dropping the connections in flight, so the listener stays open.
            call.answer(503, "the watchdog is shutting down", Map.of("Connection", "close"));
            return;
        }
        if (!call.enter()) {
            // As of-watchdog's faas-middleware answers it.
            call.answer(429, rejection, Map.of("X-OpenFaaS-Internal", "faas-middleware", "Retry-After", "1"));
            return;
        }
        if (settings.jwtAuth()) {
            jwtAuth.check(ctx, () -> mode.handle(call), (status, reason) -> call.answer(status, reason,
                    status == 401 ? JWT_401_HEADERS : JWT_403_HEADERS));
        } else {
            mode.handle(call);
        }
    }

    private static final Map<String, String> JWT_403_HEADERS = Map.of("X-OpenFaaS-Internal", "faas-middleware",
            "Content-Type", "text/plain; charset=utf-8");
    private static final Map<String, String> JWT_401_HEADERS = Map.of("X-OpenFaaS-Internal", "faas-middleware",
            "Content-Type", "text/plain; charset=utf-8", "WWW-Authenticate", "Bearer realm=IAM function invoke");
}
