package dev.fwatchdog.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.fwatchdog.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(InflightLimitTest.ThreeAtATime.class)
class InflightLimitTest {

    public static class ThreeAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.max-inflight", "3", "watchdog.function-process", "sleep 2");
        }
    }

    @TestHTTPResource("/work")
    URL work;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void callsBeyondTheLimitGet429WhileTheOthersRun() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(client.sendAsync(HttpRequest.newBuilder(work.toURI()).POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        // The three admitted calls sleep for 2 s: the watchdog is full once they are in.
        Metrics.await(URI.create(metrics.toString()), m -> m.value("http_requests_in_flight") == 3,
                Duration.ofSeconds(10));
        given().get("/_/ready").then().statusCode(429).body(containsString("capacity: max_inflight reached"));
        given().get("/_/health").then().statusCode(200);

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            responses.add(call.get());
        }
        List<HttpResponse<String>> rejected = responses.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(3, responses.stream().filter(r -> r.statusCode() == 200).count());
        assertEquals(5, rejected.size());
        for (HttpResponse<String> r : rejected) {
            assertEquals("Concurrent request limit exceeded. Max concurrent requests: 3\n", r.body());
            assertEquals("text/plain", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("faas-middleware", r.headers().firstValue("X-OpenFaaS-Internal").orElseThrow());
            assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
        }

        given().get("/_/ready").then().statusCode(200).body(equalTo("OK"));
        Metrics m = Metrics.scrape(URI.create(metrics.toString()));
        assertEquals(5, m.requests(429, "post"), "rejections are counted");
        assertEquals(3, m.requests(200, "post"));
        assertEquals(0, m.value("http_requests_in_flight"));
    }
}
