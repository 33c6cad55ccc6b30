package dev.fwatchdog.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.fwatchdog.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FunctionMetricsTest {

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void countsFunctionCallsByCodeAndLowerCaseMethod() throws Exception {
        URI uri = metrics.toURI();
        Metrics before = Metrics.scrape(uri);
        given().body("a").post("/fn").then().statusCode(200);
        given().body("b").post("/fn/other?x=1").then().statusCode(200);
        given().get("/").then().statusCode(200);
        given().body("c").put("/fn").then().statusCode(200);
        given().get("/_/health").then().statusCode(200);
        given().get("/_/ready").then().statusCode(200);
        given().post("/_/health").then().statusCode(405);
        Metrics after = Metrics.scrape(uri);

        assertEquals(2, after.requests(200, "post") - before.requests(200, "post"));
        assertEquals(1, after.requests(200, "get") - before.requests(200, "get"));
        assertEquals(1, after.requests(200, "put") - before.requests(200, "put"));
        assertEquals(0, after.requests(405, "post"), "private endpoints are not counted");
        double calls = after.samples().entrySet().stream().filter(e -> e.getKey().startsWith("http_requests_total"))
                .mapToDouble(e -> e.getValue()).sum();
        double callsBefore = before.samples().entrySet().stream().filter(e -> e.getKey().startsWith("http_requests_total"))
                .mapToDouble(e -> e.getValue()).sum();
        assertEquals(4, calls - callsBefore, "only the four function calls are counted: " + after.text());
        assertEquals(0, after.value("http_requests_in_flight"));
        assertFalse(after.text().contains("_created"), "no _created series");
        assertFalse(after.text().contains("http_request_duration_seconds_max"), "no _max series");
    }

    /** What Prometheus 2 sends when it scrapes. */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    /** As of-watchdog's Go client: text 0.0.4 unless the scraper asks for OpenMetrics (Prometheus does). */
    @Test
    void plainClientsGetTheTextFormatAndOpenMetricsOnlyWhenAsked() throws Exception {
        for (String accept : Arrays.asList(null, "*/*", "text/plain")) {
            HttpResponse<String> plain = Metrics.fetch(metrics.toURI(), accept);
            assertEquals("text/plain; version=0.0.4; charset=utf-8",
                    plain.headers().firstValue("Content-Type").orElseThrow(), "Accept: " + accept);
            assertTrue(plain.body().contains("# HELP http_requests_total total HTTP requests processed\n"
                    + "# TYPE http_requests_total counter\n"), plain.body());
            assertFalse(plain.body().contains("# EOF"), "Accept: " + accept);
        }
        HttpResponse<String> open = Metrics.fetch(metrics.toURI(), PROMETHEUS_ACCEPT);
        assertTrue(open.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
        assertTrue(open.body().contains("# TYPE http_requests counter\n"), open.body());
        assertTrue(open.body().endsWith("# EOF\n"));
    }

    @Test
    void durationHistogramHasOfWatchdogsBuckets() throws Exception {
        given().body("x").post("/histogram").then().statusCode(200);
        Metrics m = Metrics.scrape(metrics.toURI());
        List<String> buckets = m.samples().keySet().stream()
                .filter(k -> k.startsWith("http_request_duration_seconds_bucket{code=\"200\",method=\"post\""))
                .map(k -> k.replaceAll(".*le=\"([^\"]+)\".*", "$1"))
                .collect(Collectors.toList());
        assertEquals(List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"),
                buckets);
        double previous = 0;
        for (String le : buckets) {
            double count = m.value("http_request_duration_seconds_bucket{code=\"200\",method=\"post\",le=\"" + le + "\"}");
            assertTrue(count >= previous, "buckets are cumulative");
            previous = count;
        }
        double count = m.value("http_request_duration_seconds_count{code=\"200\",method=\"post\"}");
        assertEquals(previous, count, "+Inf equals _count");
        assertEquals(m.requests(200, "post"), count, "one observation per counted request");
        assertTrue(m.value("http_request_duration_seconds_sum{code=\"200\",method=\"post\"}") > 0);
    }

    @Test
    void jvmAndProcessMetersAreBoundSoonAfterStart() throws Exception {
        Metrics m = withJvmMeters();
        for (String name : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "jvm_info", "jvm_gc_memory_allocated_bytes_total", "process_uptime_seconds", "process_cpu_usage",
                "process_files_open_files", "system_load_average_1m")) {
            assertTrue(m.text().contains("\n" + name), name + " is exposed");
        }
    }

    @Test
    void exposedTextPassesPromtool() throws Exception {
        given().body("x").post("/promtool").then().statusCode(200);
        String missing = "promtool is not installed (apt-get install prometheus)";
        if (System.getenv("CI") != null) {
            // .ci/run installs it: in CI a missing promtool is a failure, not a skipped check.
            assertTrue(Metrics.promtoolInstalled(), missing);
        }
        Assumptions.assumeTrue(Metrics.promtoolInstalled(), missing);
        withJvmMeters().passesPromtool();
    }

    /** A scrape once JvmMeters has bound the JVM's meters (a second after start-up). */
    private Metrics withJvmMeters() throws Exception {
        Metrics m = Metrics.scrape(metrics.toURI());
        for (int i = 0; i < 100 && !m.text().contains("jvm_memory_used_bytes"); i++) {
            Thread.sleep(50);
            m = Metrics.scrape(metrics.toURI());
        }
        return m;
    }

    @Test
    void metricsAreNotOnTheMainPort() {
        given().get("/metrics").then().statusCode(200).header("X-Duration-Seconds", org.hamcrest.Matchers.notNullValue());
    }
}
