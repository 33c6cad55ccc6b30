package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ForkModeContract.Serializing.class)
class SerializingModeTest extends ForkModeContract {

    @Test
    void durationHeader() {
        given().body("x").post("/echo").then().statusCode(200)
                .header("X-Duration-Seconds", matchesPattern("\\d+\\.\\d{6}"));
    }

    @Test
    void failureKeepsTheHeadersAndDropsTheOutput() {
        given().post("/exit3").then().statusCode(500)
                .header("Content-Type", "text/x-test")
                .header("X-Duration-Seconds", matchesPattern("\\d+\\.\\d{6}"))
                .body(equalTo("exit status 3"));
    }

    @Test
    void functionThatIgnoresItsInputStillAnswers() {
        given().body(new byte[5 * 1024 * 1024]).post("/ignore-input").then().statusCode(200)
                .body(equalTo("did not read it\n"));
    }
}
