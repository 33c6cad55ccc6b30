package dev.fwatchdog.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.fwatchdog.support.Pids;
import dev.fwatchdog.support.WatchdogProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A template author's loop: {@code ./mvnw quarkus:dev} in http mode, a source file changed, the next call reloads.
 * The reload must stop the old function server before it starts the new one on the same port (no clash, no
 * orphan). Runs Maven on a copy of the project's pom and main sources, so the working tree is never touched.
 */
class HttpDevModeIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Process maven;
    private Path project;

    @Test
    void aHotReloadRestartsTheFunctionServerCleanly() throws Exception {
        project = Files.createTempDirectory("dev-mode");
        for (String part : List.of("pom.xml", "mvnw", ".mvn", "src/main")) {
            copy(Path.of(part), project.resolve(part));
        }
        int port = WatchdogProcess.freePort();
        int upstreamPort = WatchdogProcess.freePort();
        Path log = project.resolve("dev.log");
        ProcessBuilder builder = new ProcessBuilder("./mvnw", "-B", "quarkus:dev", "-Ddebug=false",
                "-Dquarkus.test.continuous-testing=disabled", "-Dquarkus.console.enabled=false",
                "-Dquarkus.analytics.disabled=true")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(java.util.Map.of("mode", "http",
                "fprocess", "java -cp " + Path.of("target/test-classes").toAbsolutePath()
                        + " dev.fwatchdog.support.TestUpstream " + upstreamPort,
                "upstream_url", "http://127.0.0.1:" + upstreamPort,
                "port", Integer.toString(port), "metrics_port", Integer.toString(WatchdogProcess.freePort()),
                "healthcheck_interval", "0", "TMPDIR", project.toString()));
        maven = builder.start();

        awaitReady(port, log);
        assertEquals("upstream /before", get(port, "/before").body());
        HttpResponse<String> devUi = get(port, "/q/dev-ui/");
        assertEquals(200, devUi.statusCode());
        assertTrue(devUi.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                "the Dev UI, not the function, answers /q/dev-ui/ in dev mode");
        long first = functionServer();

        Files.writeString(project.resolve("src/main/java/dev/fwatchdog/Main.java"), "\n// changed\n",
                StandardOpenOption.APPEND);
        // Dev mode looks for changed files on a request, at most every 2 s.
        Thread.sleep(2500);
        HttpResponse<String> afterReload;
        try {
            afterReload = get(port, "/after");
        } catch (IOException failed) {
            throw new AssertionError("the call after the change failed:\n" + read(log), failed);
        }
        assertEquals(200, afterReload.statusCode(), Files.readString(log));
        assertEquals("upstream /after", afterReload.body());
        long second = functionServer();
        assertNotEquals(first, second, () -> "a new function server after the reload:\n" + read(log));
        assertFalse(Pids.running(first), "the old function server is stopped, not orphaned");
        String output = Files.readString(log);
        assertFalse(output.contains("Address already in use"), output);
        int started = output.indexOf("Started function process, pid " + first);
        int stopping = output.indexOf("Stopping the function process", started);
        int restarted = output.indexOf("Started function process, pid " + second);
        assertTrue(started >= 0 && stopping > started && restarted > stopping,
                "old server started, then stopped, then the new one started:\n" + output);
    }

    private void awaitReady(int port, Path log) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(maven.isAlive(), () -> "dev mode ended:\n" + read(log));
            try {
                if (get(port, "/_/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still building or starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("dev mode not ready within " + START + ":\n" + read(log));
    }

    /** The pid of the one TestUpstream running under this dev mode. */
    private long functionServer() {
        List<ProcessHandle> servers = maven.descendants().filter(process -> process.info().commandLine()
                .map(line -> line.contains("dev.fwatchdog.support.TestUpstream")).orElse(false)).toList();
        assertEquals(1, servers.size(), "one function server: " + servers);
        return servers.get(0).pid();
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (maven != null) {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
            maven.waitFor();
        }
        if (project != null) {
            try (Stream<Path> paths = Files.walk(project)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
