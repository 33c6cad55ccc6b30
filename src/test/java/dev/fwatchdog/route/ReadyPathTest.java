package dev.fwatchdog.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.util.Map;

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
}
