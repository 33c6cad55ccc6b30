package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** static_spa=true: paths that are no file, asked for by a browser, get the app's index.html. */
@QuarkusTest
@TestProfile(StaticSpaTest.SinglePageApp.class)
class StaticSpaTest {

    public static class SinglePageApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.mode", "static", "watchdog.static-path", "src/test/resources/static-root",
                    "watchdog.static-spa", "true");
        }
    }

    @Test
    void unknownPathsFromBrowsersGetTheApp() {
        given().accept("text/html,application/xhtml+xml").get("/app/route/42").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(equalTo("<!doctype html><title>home</title>\n"));
    }

    @Test
    void otherClientsStillGet404AndFilesAreFiles() {
        given().accept("application/json").get("/api/missing").then().statusCode(404);
        given().accept("text/html").get("/style.css").then().statusCode(200).contentType(startsWith("text/css"));
    }
}
