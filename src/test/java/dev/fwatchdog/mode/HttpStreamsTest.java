package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fwatchdog.support.Clients;
import dev.fwatchdog.support.WatchdogProcess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * http mode with a function server that speaks websockets and long streams: a Vert.x server in the test JVM (the
 * function process is a plain sleep). exec_timeout is 1 s, shorter than the streams, and http_buffer_req_body is on.
 */
@QuarkusTest
@TestProfile(HttpStreamsTest.Streams.class)
class HttpStreamsTest {

    static final int UPSTREAM_PORT = WatchdogProcess.freePortPerJvm("test.streams.upstream-port");
    static final Vertx UPSTREAM_VERTX = Vertx.vertx();
    static HttpServer upstream;

    public static class Streams implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.mode", "http",
                    "watchdog.function-process", "sleep 3600",
                    "watchdog.upstream-url", "http://127.0.0.1:" + UPSTREAM_PORT,
                    "watchdog.exec-timeout", "1s",
                    "watchdog.http-buffer-req-body", "true");
        }
    }

    @BeforeAll
    static void startFunctionServer() throws Exception {
        upstream = UPSTREAM_VERTX.createHttpServer().requestHandler(request -> {
            switch (request.path()) {
                case "/ws" -> request.toWebSocket().onSuccess(ws -> {
                    ws.textMessageHandler(text -> ws.writeTextMessage("echo: " + text));
                    ws.binaryMessageHandler(ws::writeBinaryMessage);
                });
                case "/events" -> {
                    request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
                    for (int i = 1; i <= 4; i++) {
                        int n = i;
                        UPSTREAM_VERTX.setTimer(500L * i, t -> {
                            request.response().write("data: event " + n + "\n\n");
                            if (n == 4) {
                                request.response().end();
                            }
                        });
                    }
                }
                case "/body" -> request.body().onSuccess(body -> request.response().end(
                        "content-length=" + request.getHeader("Content-Length")
                                + " transfer-encoding=" + request.getHeader("Transfer-Encoding")
                                + " bytes=" + body.length()));
                default -> request.response().setStatusCode(404).end();
            }
        }).listen(UPSTREAM_PORT, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopFunctionServer() {
        UPSTREAM_VERTX.close();
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void websocketsWorkEndToEnd() throws Exception {
        WebSocket ws = UPSTREAM_VERTX.createHttpClient().webSocket(new WebSocketConnectOptions()
                .setHost(root.getHost()).setPort(root.getPort()).setURI("/ws"))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> text = new CompletableFuture<>();
        CompletableFuture<Buffer> binary = new CompletableFuture<>();
        ws.textMessageHandler(text::complete);
        ws.binaryMessageHandler(binary::complete);
        ws.writeTextMessage("hello");
        assertEquals("echo: hello", text.get(10, TimeUnit.SECONDS));
        ws.writeBinaryMessage(Buffer.buffer(new byte[] { 1, 2, 3 }));
        assertEquals(Buffer.buffer(new byte[] { 1, 2, 3 }), binary.get(10, TimeUnit.SECONDS));
        // Longer than exec_timeout: websockets have none.
        Thread.sleep(1500);
        CompletableFuture<String> later = new CompletableFuture<>();
        ws.textMessageHandler(later::complete);
        ws.writeTextMessage("still there");
        assertEquals("echo: still there", later.get(10, TimeUnit.SECONDS));
        ws.close();
    }

    @Test
    void eventStreamsOutliveExecTimeout() throws Exception {
        List<String> events = Clients.timedLines(HttpRequest.newBuilder(root.toURI().resolve("/events"))
                .header("Accept", "text/event-stream").build()).stream()
                .map(Clients.TimedLine::text).filter(line -> line.startsWith("data: ")).toList();
        assertEquals(List.of("data: event 1", "data: event 2", "data: event 3", "data: event 4"), events);
    }

    @Test
    void bufferedBodiesGoWithContentLength() throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(root.toURI().resolve("/body"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[3000])))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("content-length=3000 transfer-encoding=null bytes=3000", response.body());
    }
}
