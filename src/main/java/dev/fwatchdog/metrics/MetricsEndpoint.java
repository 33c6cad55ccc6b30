package dev.fwatchdog.metrics;

import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * GET /metrics on the metrics port, in Prometheus' text format 0.0.4 as of-watchdog's Go client writes it, or in
 * OpenMetrics when the scraper's Accept asks for it. Quarkus' own handler, which this one stands before, answers
 * OpenMetrics to any Accept without text/plain (curl's, or none), and 406 to an Accept of OpenMetrics alone.
 */
@ApplicationScoped
public class MetricsEndpoint {

    private static final String OPEN_METRICS = "application/openmetrics-text";

    @Inject
    PrometheusMeterRegistry registry;

    void route(@Observes ManagementInterface management) {
        management.router().get("/metrics").order(Integer.MIN_VALUE).handler(ctx -> {
            String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
            String format = accept != null && accept.contains(OPEN_METRICS)
                    ? TextFormat.CONTENT_TYPE_OPENMETRICS_100
                    : TextFormat.CONTENT_TYPE_004;
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, format).end(registry.scrape(format));
        });
    }
}
