package dev.fwatchdog.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Scrapes /metrics the way Prometheus does and reads it strictly. */
public final class Metrics {

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\n\"])*\",?)*)\\})? (\\S+)");

    private final String text;
    private final Map<String, Double> samples = new LinkedHashMap<>();

    private Metrics(String text) {
        this.text = text;
        Set<String> typed = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                typed.add(line.split(" ")[2]);
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                Matcher m = SAMPLE.matcher(line);
                assertTrue(m.matches(), "not a valid sample line: " + line);
                // The Java client ends label sets with a comma, which the format allows: keys leave it out.
                String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}");
                samples.put(m.group(1) + labels, Double.parseDouble(m.group(4)));
            }
        }
        assertTrue(typed.contains("http_requests_total") || typed.contains("http_requests"), "http_requests_total has no TYPE");
        assertTrue(typed.contains("http_request_duration_seconds"), "http_request_duration_seconds has no TYPE");
        assertTrue(typed.contains("http_requests_in_flight"), "http_requests_in_flight has no TYPE");
    }

    /**
     * @param managementUri any URL on the metrics port: Quarkus' test injection puts its root path (/q) before the
     *                      path, while the watchdog serves /metrics at the top
     */
    public static Metrics scrape(URI managementUri) throws IOException, InterruptedException {
        return new Metrics(fetch(managementUri, "text/plain").body());
    }

    /** GET /metrics with that Accept header ({@code null}: none), as a plain client would. */
    public static HttpResponse<String> fetch(URI managementUri, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(managementUri.resolve("/metrics"));
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response;
    }

    /** Scrapes until {@code condition} holds; fails after {@code timeout}. */
    public static Metrics await(URI managementUri, Predicate<Metrics> condition, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Metrics metrics = scrape(managementUri);
            if (condition.test(metrics)) {
                return metrics;
            }
            assertTrue(System.nanoTime() < deadline, "metrics never met the condition:\n" + metrics.text());
            Thread.sleep(20);
        }
    }

    public String text() {
        return text;
    }

    /** A sample's value, 0 when absent; the key is written as in the exposition: {@code name{a="b",c="d"}}. */
    public double value(String key) {
        return samples.getOrDefault(key, 0.0);
    }

    public double requests(int code, String method) {
        return value("http_requests_total{code=\"" + code + "\",method=\"" + method + "\"}");
    }

    public Map<String, Double> samples() {
        return samples;
    }

    /** promtool, when the machine has it (.ci/run installs it): the reference parser and linter. */
    public static boolean promtoolInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/promtool"));
    }

    public void passesPromtool() throws IOException, InterruptedException {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var stdin = promtool.getOutputStream()) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String output;
        try (InputStream out = promtool.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + output);
    }
}
