package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;

import dev.fwatchdog.support.Clients;
import dev.fwatchdog.support.Pids;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
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

    /**
     * Bodies and answers past a MiB are moved around Vert.x (RawConnection): echoed whole, a body the function does
     * not read is still read to its end, and the connection carries the next calls.
     */
    @Test
    void bigBodiesLeaveTheConnectionReusable() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(body);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(1).setKeepAlive(true));
        Set<HttpConnection> connections = Collections.newSetFromMap(new IdentityHashMap<>());
        try {
            for (String path : List.of("/echo", "/ignore-input", "/echo", "/echo-small")) {
                byte[] sent = path.equals("/echo-small") ? "small".getBytes(StandardCharsets.US_ASCII) : body;
                byte[] answer = client.request(HttpMethod.POST, root.getPort(), root.getHost(), path)
                        .compose(request -> {
                            connections.add(request.connection());
                            return request.send(Buffer.buffer(sent));
                        })
                        .compose(response -> {
                            assertEquals(200, response.statusCode(), path);
                            return response.body();
                        })
                        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).getBytes();
                if (path.equals("/ignore-input")) {
                    assertEquals("did not read it\n", new String(answer, StandardCharsets.US_ASCII));
                } else {
                    assertArrayEquals(sent, answer, path);
                }
            }
        } finally {
            client.close();
        }
        assertEquals(1, connections.size(), "calls on one kept-alive connection");
    }

    /** A body past a MiB is read around Vert.x (RawConnection), where Netty does not see the hang-up itself. */
    @Test
    void clientGoneMidBigBodyKillsTheFunction() throws Exception {
        hangUpMidCall(10 * 1024 * 1024, 64 * 1024);
    }

    @Test
    void clientGoneMidBigAnswerKillsTheFunction() throws Exception {
        Path pidFile = tmp.resolve("pids");
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.getOutputStream().write(("GET /endless HTTP/1.1\r\nHost: x\r\nX-Pid-File: " + pidFile
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // Past the first MiB the answer is written around Vert.x.
            socket.getInputStream().readNBytes(4 * 1024 * 1024);
            Pids.await(pidFile, 1, Duration.ofSeconds(5));
        }
        Pids.awaitAllEnded(Pids.read(pidFile), Duration.ofMillis(1500));
    }
}
