package dev.fwatchdog.route;

import java.util.Optional;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.health.ServingCheck;
import dev.fwatchdog.process.WorkersCheck;
import dev.fwatchdog.upstream.UpstreamCheck;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * /_/health and /_/ready: the SmallRye Health checks, answered with of-watchdog's status codes. The body is "OK" in
 * plain text as of-watchdog writes it, or SmallRye's JSON report for a client that accepts application/json.
 */
@ApplicationScoped
public class HealthEndpoints {

    /** Set on a request rerouted to ready_path, so the pipeline hands it straight to the function. */
    public static final String READY_PROBE = "watchdog.ready-probe";

    @Inject
    SmallRyeHealthReporter reporter;

    @Inject
    Settings settings;

    public void health(RoutingContext ctx) {
        if (allowed(ctx)) {
            onEventLoop(ctx, reporter.getLivenessAsync()).subscribe().with(
                    report -> respond(ctx, report, report.isDown() ? 503 : 200), ctx::fail);
        }
    }

    public void ready(RoutingContext ctx) {
        if (allowed(ctx)) {
            // Held until the function is asked: its mode reads the request, which must not have ended meanwhile.
            ctx.request().pause();
            onEventLoop(ctx, reporter.getReadinessAsync()).subscribe().with(report -> {
                int status = readinessStatus(report);
                Optional<String> readyPath = settings.readyPath();
                if (status == 200 && readyPath.isPresent()) {
                    // The function decides: its status and body are the answer.
                    ctx.put(READY_PROBE, true);
                    ctx.reroute(HttpMethod.GET, readyPath.get());
                } else {
                    respond(ctx, report, status);
                }
            }, ctx::fail);
        }
    }

    /**
     * Quarkus runs some health checks on a worker thread and reports there; the answer, and the reroute to ready_path
     * above all, belong on the request's event loop.
     */
    private static Uni<SmallRyeHealth> onEventLoop(RoutingContext ctx, Uni<SmallRyeHealth> report) {
        Context context = ctx.vertx().getOrCreateContext();
        return report.emitOn(task -> context.runOnContext(run -> task.run()));
    }

    private static boolean allowed(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.GET) {
            return true;
        }
        ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET").end();
        return false;
    }

    /** 503 when the watchdog is not serving or nothing can answer calls yet, 429 when it is full, else 200. */
    private static int readinessStatus(SmallRyeHealth report) {
        if (!report.isDown()) {
            return 200;
        }
        boolean unavailable = down(report, ServingCheck.NAME).isPresent() || down(report, UpstreamCheck.NAME).isPresent()
                || down(report, WorkersCheck.NAME).isPresent();
        return unavailable ? 503 : 429;
    }

    private static Optional<JsonObject> down(SmallRyeHealth report, String name) {
        return report.getPayload().getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(check -> name.equals(check.getString("name")) && "DOWN".equals(check.getString("status")))
                .findFirst();
    }

    private static void respond(RoutingContext ctx, SmallRyeHealth report, int status) {
        ctx.response().setStatusCode(status);
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        if (accept != null && accept.contains("application/json")) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(report.getPayload().toString());
        } else if (status == 200) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end("OK");
        } else {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(reasons(report));
        }
    }

    /** One line per failing check, for a person reading curl's output. */
    private static String reasons(SmallRyeHealth report) {
        StringBuilder text = new StringBuilder();
        report.getPayload().getJsonArray("checks").stream().map(JsonValue::asJsonObject)
                .filter(check -> "DOWN".equals(check.getString("status")))
                .forEach(check -> {
                    JsonObject data = check.getJsonObject("data");
                    text.append(check.getString("name")).append(": ")
                            .append(data == null ? "down" : data.getString("reason", "down")).append('\n');
                });
        return text.toString();
    }
}
