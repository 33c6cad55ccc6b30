package dev.fwatchdog.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.support.LockFiles;
import dev.fwatchdog.support.Metrics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ReadyPathTest.AskTheFunction.class)
class ReadyPathTest {

    /** The function prints the method and path it was called with, so the test sees what /_/ready asked. */
    public static class AskTheFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.ready-path", "/ready-check", "watchdog.function-process", "printenv Http_Method Http_Path");
        }
    }

    @Inject
    Settings settings;

    @TestHTTPResource("/_/ready")
    URL ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void readyAnswersWithTheFunctionsStatusAndBody() throws Exception {
        LockFiles.awaitPresent(settings.lockFile());
        given().header("Accept", "text/plain").get("/_/ready").then().statusCode(200).body(equalTo("GET\n/ready-check\n"));
        given().get("/_/health").then().statusCode(200).body(equalTo("OK"));
        Metrics m = Metrics.scrape(metrics.toURI());
        assertEquals(0, m.requests(200, "get"), "the readiness probe is not a counted function call");

        given().post("/call").then().statusCode(200).body(equalTo("POST\n/call\n"));
        assertEquals(1, Metrics.scrape(metrics.toURI()).requests(200, "post"));
    }

    /**
     * Readiness is reported on a worker thread; a probe rerouted from there raced the request's end (about 1 call in
     * 1,200 answered 500 "Request has already been read"). Java's client speaks HTTP/2 here, where it showed.
     */
    @Test
    void probesInParallelAllReachTheFunction() throws Exception {
        LockFiles.awaitPresent(settings.lockFile());
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(ready.toURI()).header("Accept", "text/plain").build();
        List<Callable<List<String>>> probers = Collections.nCopies(4, () -> {
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                HttpResponse<String> answer = client.send(probe, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200 || !answer.body().equals("GET\n/ready-check\n")) {
                    wrong.add(answer.statusCode() + " " + answer.body());
                }
            }
            return wrong;
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (Future<List<String>> prober : threads.invokeAll(probers)) {
                assertEquals(List.of(), prober.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
