package dev.fwatchdog.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * max_inflight=1 and a client that sends its next call as soon as it has read the last one: the place must be free
 * by then, in every mode, over new connections and over one kept alive (of-watchdog frees it before the answer's
 * last byte is written).
 */
class InflightReleaseIT {

    private static final Duration START = Duration.ofSeconds(30);
    private static final int CALLS = 300;

    @ParameterizedTest
    @ValueSource(strings = { "serializing", "streaming", "http", "static" })
    void aClientsNextCallNeverFindsItsPreviousOneInFlight(String mode) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("mode", mode, "max_inflight", "1", "fprocess", "cat",
                "static_path", "src/test/resources/static-root"));
        // static mode serves GETs; the others get a one-byte POST
        String path = mode.equals("static") ? "/style.css" : "/echo";
        String method = mode.equals("static") ? "GET" : "POST";
        if (mode.equals("http")) {
            int upstream = WatchdogProcess.freePort();
            env.put("fprocess", "java -cp target/test-classes dev.fwatchdog.support.TestUpstream " + upstream);
            env.put("upstream_url", "http://127.0.0.1:" + upstream);
        }
        try (WatchdogProcess watchdog = WatchdogProcess.start(env)) {
            watchdog.awaitHealthy(START);
            while (watchdog.get("/_/ready").statusCode() != 200) {
                Thread.sleep(20);
            }
            int refused = 0;
            for (int i = 0; i < CALLS; i++) {
                refused += onNewConnection(watchdog, method, path) == 429 ? 1 : 0;
            }
            assertEquals(0, refused, "429s over new connections");
            for (int i = 0; i < CALLS; i++) {
                HttpResponse<String> answer = watchdog.send(HttpRequest.newBuilder(watchdog.uri(path))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")).build());
                refused += answer.statusCode() == 429 ? 1 : 0;
            }
            assertEquals(0, refused, "429s over a kept-alive connection");
        }
    }

    /** A call on a connection of its own, read to the end; its status. */
    private static int onNewConnection(WatchdogProcess watchdog, String method, String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", watchdog.port)) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }
}
