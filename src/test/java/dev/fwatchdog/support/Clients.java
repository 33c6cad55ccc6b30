package dev.fwatchdog.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** Clients the mode tests share: one that reads while it sends, one that notes when each line arrives. */
public final class Clients {

    private Clients() {
    }

    /**
     * POSTs {@code body} and returns the answer's body, reading it while still sending: a client that sent
     * everything first would stall on back-pressure against an echo, which is the watchdog working as designed.
     */
    public static byte[] echo(Vertx vertx, URL root, String path, byte[] body) throws Exception {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient();
        try {
            return client.request(HttpMethod.POST, root.getPort(), root.getHost(), path)
                    .compose(request -> request.send(Buffer.buffer(body)))
                    .compose(response -> {
                        assertEquals(200, response.statusCode());
                        return response.body();
                    })
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).getBytes();
        } finally {
            client.close();
        }
    }

    /** A line of a streamed answer and when it arrived ({@link System#nanoTime()}). */
    public record TimedLine(String text, long nanos) {
    }

    /** Sends {@code request}, expects a 200, and reads the answer line by line as it arrives. */
    public static List<TimedLine> timedLines(HttpRequest request) throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        List<TimedLine> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(new TimedLine(line, System.nanoTime()));
            }
        }
        return lines;
    }

    /** Milliseconds between the first and the last of {@code lines}. */
    public static long spreadMillis(List<TimedLine> lines) {
        return (lines.get(lines.size() - 1).nanos() - lines.get(0).nanos()) / 1_000_000;
    }
}
