package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(ForkModeContract.Streaming.class)
class StreamingModeTest extends ForkModeContract {

    @Test
    void outputArrivesAsItIsWritten() throws Exception {
        HttpResponse<InputStream> response = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(root.toURI().resolve("/slow")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals("text/x-test", response.headers().firstValue("Content-Type").orElseThrow());
        List<Long> arrivals = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
                arrivals.add(System.nanoTime());
            }
        }
        assertEquals(List.of("tick 1", "tick 2", "tick 3", "tick 4"), lines);
        long spreadMillis = (arrivals.get(3) - arrivals.get(0)) / 1_000_000;
        // The function prints every 0.4 s: buffered output would arrive all at once.
        assertTrue(spreadMillis >= 900, "lines arrived within " + spreadMillis + " ms of each other");
    }

    @Inject
    Vertx vertx;

    /**
     * cat writes its output while the body is still coming in: the whole body must still reach it. The client reads
     * while it sends (one that sends everything first would stall on back-pressure, which is the design working).
     */
    @Test
    void fullDuplexEchoOfALargeBody() throws Exception {
        byte[] body = new byte[32 * 1024 * 1024];
        new Random(42).nextBytes(body);
        HttpClient client = vertx.createHttpClient();
        try {
            Buffer echoed = client.request(HttpMethod.POST, root.getPort(), root.getHost(), "/echo")
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .compose(response -> {
                        assertEquals(200, response.statusCode());
                        return response.body();
                    })
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertArrayEquals(body, echoed.getBytes());
        } finally {
            client.close();
        }
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
