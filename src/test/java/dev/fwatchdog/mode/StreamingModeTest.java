package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;

import dev.fwatchdog.support.Clients;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ForkModeContract.Streaming.class)
class StreamingModeTest extends ForkModeContract {

    @Test
    void outputArrivesAsItIsWritten() throws Exception {
        List<Clients.TimedLine> lines = Clients.timedLines(HttpRequest.newBuilder(root.toURI().resolve("/slow"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(List.of("tick 1", "tick 2", "tick 3", "tick 4"), lines.stream().map(Clients.TimedLine::text).toList());
        long spread = Clients.spreadMillis(lines);
        // The function prints every 0.4 s: buffered output would arrive all at once.
        assertTrue(spread >= 900, "lines arrived within " + spread + " ms of each other");
    }

    @Inject
    Vertx vertx;

    /** cat writes its output while the body is still coming in: the whole body must still reach it. */
    @Test
    void fullDuplexEchoOfALargeBody() throws Exception {
        byte[] body = new byte[32 * 1024 * 1024];
        new Random(42).nextBytes(body);
        assertArrayEquals(body, Clients.echo(vertx, root, "/echo", body));
    }

    @Test
    void failureAfterOutputBreaksTheResponse() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String path : new String[] { "/late-fail", "/exit3" }) {
            HttpRequest request = HttpRequest.newBuilder(root.toURI().resolve(path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build();
            assertThrows(IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()),
                    path + " must not look like a success");
        }
    }

    @Test
    void failureBeforeOutputIsPlainText500() {
        given().post("/exit3-silent").then().statusCode(500)
                .header("Content-Type", "text/plain")
                .body(equalTo("exit status 3"));
    }

    @Test
    void functionThatIgnoresItsInputStillAnswers() {
        given().body(new byte[5 * 1024 * 1024]).post("/ignore-input").then().statusCode(200)
                .body(equalTo("did not read it\n"));
    }
}
