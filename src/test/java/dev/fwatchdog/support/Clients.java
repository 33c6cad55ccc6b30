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

    /**
     * POSTs {@code total} zero bytes over a raw socket, with a Content-Length or chunked, sending on one thread while
     * this one reads the answer, which may come (and the connection close) before the body is over. Returns the
     * answer as text.
     */
    public static String earlyAnswer(int port, String path, long total, boolean chunked) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            Thread sender = new Thread(() -> {
                try {
                    java.io.OutputStream out = socket.getOutputStream();
                    String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + total;
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + framing + "\r\n\r\n").getBytes());
                    byte[] chunk = new byte[64 * 1024];
                    byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes();
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        if (chunked) {
                            out.write(head);
                        }
                        out.write(chunk, 0, (int) Math.min(chunk.length, total - sent));
                        if (chunked) {
                            out.write("\r\n".getBytes());
                        }
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes());
                    }
                } catch (java.io.IOException closedByTheServer) {
                    // the answer came first
                }
            });
            sender.start();
            StringBuilder answer = new StringBuilder();
            try (InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    answer.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            } catch (java.io.IOException reset) {
                // the server closed with body bytes still unread: what came before the reset is the answer
            }
            sender.join(30_000);
            return answer.toString();
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
