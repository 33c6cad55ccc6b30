package dev.fwatchdog.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.support.LockFiles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
class HealthEndpointsTest {

    @Inject
    Settings settings;

    @BeforeEach
    void lockFileWritten() throws Exception {
        LockFiles.awaitPresent(settings.lockFile());
    }

    @ParameterizedTest
    @ValueSource(strings = { "/_/health", "/_/ready" })
    void okInPlainText(String path) {
        given().get(path).then().statusCode(200).contentType(startsWith("text/plain")).body(equalTo("OK"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/_/health", "/_/ready" })
    void onlyGet(String path) {
        for (String method : new String[] { "POST", "PUT", "DELETE", "HEAD", "PATCH" }) {
            given().request(method, path).then().statusCode(405).header("Allow", "GET");
        }
    }

    @Test
    void jsonReportOnRequest() {
        given().accept("application/json").get("/_/ready").then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("serving"))
                .body("checks.name", hasItem("capacity"));
        given().accept("application/json").get("/_/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("serving"));
    }

    @Test
    void lockFileRemovedAtRunTimeMeansUnhealthy() throws Exception {
        Files.delete(settings.lockFile());
        try {
            given().get("/_/health").then().statusCode(503).body(containsString("serving: lock file missing"));
            given().get("/_/ready").then().statusCode(503).body(containsString("serving: lock file missing"));
            given().accept("application/json").get("/_/health").then().statusCode(503)
                    .body("status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'serving' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'serving' }.data.reason", equalTo("lock file missing"));
        } finally {
            Files.write(settings.lockFile(), new byte[0]);
        }
        given().get("/_/health").then().statusCode(200).body(equalTo("OK"));
        given().get("/_/ready").then().statusCode(200).body(equalTo("OK"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/_/health/", "/_/healthz", "/_/readyz", "/_/", "/_/ready/x" })
    void onlyTheExactPathsArePrivate(String path) {
        given().body("for the function").post(path).then().statusCode(200)
                .header("X-Duration-Seconds", notNullValue())
                .body(equalTo("for the function"));
    }
}
