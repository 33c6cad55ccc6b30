package dev.fwatchdog.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A function's own HTTP server for http-mode tests, started by the watchdog as its fprocess:
 * {@code java -cp target/test-classes dev.fwatchdog.support.TestUpstream PORT [START_DELAY_MS]}. The path picks the
 * behaviour; a delay before listening shows how the watchdog treats calls that come before the server is up.
 */
public final class TestUpstream {

    private TestUpstream() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        if (args.length > 1) {
            Thread.sleep(Long.parseLong(args[1]));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", TestUpstream::handle);
        server.start();
        System.out.println("test upstream listening on " + port);
        // A safety net for the test suite: if the watchdog is killed outright, its end of our stdin closes.
        Thread orphaned = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent is gone
                }
            } catch (IOException gone) {
                // same
            }
            System.exit(70);
        });
        orphaned.setDaemon(true);
        orphaned.start();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        String path = uri.getPath();
        Map<String, String> query = query(uri.getRawQuery());
        try (exchange) {
            switch (path) {
                case "/echo" -> {
                    String type = exchange.getRequestHeaders().getFirst("Content-Type");
                    if (type != null) {
                        exchange.getResponseHeaders().set("Content-Type", type);
                    }
                    exchange.sendResponseHeaders(200, 0);
                    try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                        in.transferTo(out);
                    }
                }
                case "/headers" -> {
                    StringBuilder text = new StringBuilder();
                    text.append("Method: ").append(exchange.getRequestMethod()).append('\n');
                    text.append("URI: ").append(uri.getRawPath())
                            .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()).append('\n');
                    exchange.getRequestHeaders().forEach((name, values) -> values
                            .forEach(value -> text.append(name.toLowerCase()).append(": ").append(value).append('\n')));
                    long bodyBytes;
                    try (InputStream in = exchange.getRequestBody()) {
                        bodyBytes = in.transferTo(OutputStream.nullOutputStream());
                    }
                    text.append("body-bytes: ").append(bodyBytes).append('\n');
                    send(exchange, 200, text.toString());
                }
                case "/status" -> send(exchange, Integer.parseInt(query.get("code")), "status " + query.get("code"));
                case "/cookies" -> {
                    exchange.getResponseHeaders().put("Set-Cookie", List.of("a=1; Path=/", "b=2; Path=/"));
                    exchange.getResponseHeaders().add("X-Multi", "one");
                    exchange.getResponseHeaders().add("X-Multi", "two");
                    send(exchange, 200, "cookies");
                }
                case "/hop" -> {
                    exchange.getResponseHeaders().set("Keep-Alive", "timeout=5");
                    exchange.getResponseHeaders().set("Proxy-Authenticate", "Basic");
                    exchange.getResponseHeaders().set("Trailer", "X-Later");
                    exchange.getResponseHeaders().set("X-End-To-End", "kept");
                    send(exchange, 200, "hop");
                }
                case "/redirect" -> {
                    exchange.getResponseHeaders().set("Location", "/elsewhere");
                    send(exchange, 302, "moved");
                }
                case "/slow" -> {
                    sleep(Long.parseLong(query.getOrDefault("ms", "1000")));
                    send(exchange, 200, "slow");
                }
                case "/events" -> {
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    for (int i = 1; i <= 3; i++) {
                        out.write(("data: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        sleep(400);
                    }
                    out.close();
                }
                case "/drop" -> exchange.getHttpContext().getServer().stop(0);
                case "/exit" -> {
                    send(exchange, 200, "exiting");
                    new Thread(() -> {
                        sleep(100);
                        System.exit(Integer.parseInt(query.getOrDefault("code", "0")));
                    }).start();
                }
                default -> send(exchange, 200, "upstream " + path);
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                values.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return values;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
