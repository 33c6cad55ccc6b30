package dev.fwatchdog.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import dev.fwatchdog.state.InFlight;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.http.HttpMethod;
import io.prometheus.client.Collector;
import io.quarkus.runtime.Startup;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * of-watchdog's three metrics, exactly: http_requests_total, http_request_duration_seconds and
 * http_requests_in_flight. A collector of our own on the Prometheus registry rather than Micrometer meters, because a
 * Micrometer Timer adds a _max series and the plain client adds _created ones, and dashboards built for of-watchdog
 * expect neither. Created at start-up, so /metrics shows the families before the first call.
 */
@Startup
@Singleton
public class FunctionMetrics extends Collector {

    /** The buckets of the Go client's default histogram, as of-watchdog uses them. */
    static final double[] BUCKETS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

    private static final List<String> LABELS = List.of("code", "method");

    private final Map<Labels, Series> series = new ConcurrentHashMap<>();

    @Inject
    PrometheusMeterRegistry registry;

    @Inject
    InFlight inFlight;

    @PostConstruct
    void registerOnScrape() {
        register(registry.getPrometheusRegistry());
    }

    /** A function call has ended with {@code code} after {@code nanos}. */
    public void observe(HttpMethod method, int code, long nanos) {
        series.computeIfAbsent(new Labels(Integer.toString(code), method.name().toLowerCase(Locale.ROOT)),
                labels -> new Series()).observe(nanos / 1e9);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<Sample> totals = new ArrayList<>();
        List<Sample> durations = new ArrayList<>();
        series.forEach((labels, s) -> s.sample(labels, totals, durations));
        return List.of(
                new MetricFamilySamples("http_requests", Type.COUNTER, "total HTTP requests processed", totals),
                new MetricFamilySamples("http_request_duration_seconds", Type.HISTOGRAM,
                        "Seconds spent serving HTTP requests.", durations),
                new MetricFamilySamples("http_requests_in_flight", Type.GAUGE,
                        "The number of HTTP requests in flight", List.of(new Sample("http_requests_in_flight",
                                List.of(), List.of(), inFlight.count()))));
    }

    private record Labels(String code, String method) {
        List<String> values() {
            return List.of(code, method);
        }
    }

    /** Counts for one (code, method) pair; the histogram's buckets are cumulative only when exported. */
    private static final class Series {
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Series() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            sum.add(seconds);
            count.increment();
        }

        void sample(Labels labels, List<Sample> totals, List<Sample> durations) {
            List<String> values = labels.values();
            List<String> bucketLabels = List.of("code", "method", "le");
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += buckets[i].sum();
                durations.add(new Sample("http_request_duration_seconds_bucket", bucketLabels,
                        List.of(labels.code(), labels.method(), doubleToGoString(BUCKETS[i])), cumulative));
            }
            // Read after the buckets, and never below them, so a scrape during an observation stays consistent.
            long total = Math.max(count.sum(), cumulative);
            durations.add(new Sample("http_request_duration_seconds_bucket", bucketLabels,
                    List.of(labels.code(), labels.method(), "+Inf"), total));
            durations.add(new Sample("http_request_duration_seconds_sum", LABELS, values, sum.sum()));
            durations.add(new Sample("http_request_duration_seconds_count", LABELS, values, total));
            totals.add(new Sample("http_requests_total", LABELS, values, total));
        }
    }
}
