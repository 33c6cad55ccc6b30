package dev.fwatchdog.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged watchdog ({@code target/quarkus-app/quarkus-run.jar}) run as a user runs it: its own JVM, settings in
 * environment variables, free ports on loopback, its own TMPDIR for the lock file.
 */
public final class WatchdogProcess implements AutoCloseable {

    /** The variables of WATCHDOG.md section 1: the test's own environment must not leak into the watchdog's. */
    private static final List<String> WATCHDOG_VARIABLES = List.of("mode", "fprocess", "function_process", "port",
            "metrics_port", "upstream_url", "http_upstream_url", "read_timeout", "write_timeout", "exec_timeout",
            "healthcheck_interval", "content_type", "static_path", "suppress_lock", "http_buffer_req_body", "buffer_http",
            "max_inflight", "afterburn_workers", "prefix_logs", "log_buffer_size", "log_callid", "log_format", "ready_path", "jwt_auth", "jwt_auth_debug",
            "jwt_auth_local", "jwt_auth_issuer_url", "OPENFAAS_NAME", "OPENFAAS_NAMESPACE");

    private final Process process;
    private final Output stdout;
    private final Output stderr;
    public final int port;
    public final int metricsPort;
    public final Path tmpDir;
    private final boolean ownTmpDir;

    private WatchdogProcess(Process process, int port, int metricsPort, Path tmpDir, boolean ownTmpDir) {
        this.ownTmpDir = ownTmpDir;
        this.process = process;
        this.port = port;
        this.metricsPort = metricsPort;
        this.tmpDir = tmpDir;
        this.stdout = new Output(process.getInputStream());
        this.stderr = new Output(process.getErrorStream());
    }

    /** Starts the watchdog with free ports unless {@code environment} names them; arguments go to the command. */
    public static WatchdogProcess start(Map<String, String> environment, String... args) {
        return start(List.of(), environment, args);
    }

    /** As {@link #start(Map, String...)}, with options for the JVM (e.g. {@code -Xmx64m}). */
    public static WatchdogProcess start(List<String> jvmOptions, Map<String, String> environment, String... args) {
        try {
            Map<String, String> env = new HashMap<>(environment);
            env.computeIfAbsent("port", name -> Integer.toString(freePort()));
            env.computeIfAbsent("metrics_port", name -> Integer.toString(freePort()));
            // SIGTERM would otherwise keep serving for write_timeout (30 s) before it drains; tests of that say so.
            env.computeIfAbsent("healthcheck_interval", name -> "0");
            boolean ownTmpDir = !env.containsKey("TMPDIR");
            if (ownTmpDir) {
                env.put("TMPDIR", Files.createTempDirectory("watchdog-it").toString());
            }
            List<String> command = new ArrayList<>(List.of(javaBinary()));
            command.addAll(jvmOptions);
            command.addAll(List.of("-jar", jar().toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command);
            WATCHDOG_VARIABLES.forEach(builder.environment()::remove);
            builder.environment().putAll(env);
            return new WatchdogProcess(builder.start(), parsePort(env.get("port")), parsePort(env.get("metrics_port")),
                    Path.of(env.get("TMPDIR")), ownTmpDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * A port free now and not handed out before in this JVM: the kernel may give the same ephemeral port to two
     * probes in a row (a test's function server and a watchdog's metrics port once met on one).
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A free port chosen once per JVM under {@code key}: a Quarkus test profile and its test class are loaded by
     * different class loaders, so a static field of its own would pick two different ports.
     */
    public static int freePortPerJvm(String key) {
        return Integer.parseInt(System.getProperties()
                .computeIfAbsent(key, unset -> Integer.toString(freePort())).toString());
    }

    private static Path jar() {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("run the package phase first: no " + jar.toAbsolutePath());
        }
        return jar;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the exit and returns its code; fails the test if it does not come in time. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the watchdog did not exit within " + timeout + "; stderr:\n" + stderr());
        }
        stdout.join();
        stderr.join();
        return process.exitValue();
    }

    /** Waits until /_/health answers 200. */
    public WatchdogProcess awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the watchdog exited with " + process.exitValue() + "; stderr:\n" + stderr());
            }
            try {
                if (get("/_/health").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the watchdog was not healthy within " + timeout + "; stderr:\n" + stderr());
    }

    public void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no \"" + text + "\" in stderr within " + timeout + ":\n" + stderr());
            }
            Thread.sleep(20);
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until {@code calls} function calls are in flight, by the watchdog's own gauge. */
    public void awaitInFlight(int calls, Duration timeout) throws IOException, InterruptedException {
        Metrics.await(URI.create("http://127.0.0.1:" + metricsPort), m -> m.value("http_requests_in_flight") == calls,
                timeout);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Path lockFile() {
        return tmpDir.resolve(".lock");
    }

    /**
     * Sends SIGTERM, as Kubernetes does. Through the process handle: {@code Process.destroy()} also closes our ends of
     * its pipes, and the log of the shutdown would be lost.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGINT, as Ctrl-C in a terminal does. */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    public String stdout() {
        return stdout.text();
    }

    public String stderr() {
        return stderr.text();
    }

    /** How many bytes the watchdog wrote to stderr, also past what {@link #stderr()} keeps. */
    public long stderrBytes() {
        return stderr.total();
    }

    /** stderr without blank lines. */
    public List<String> stderrLines() {
        return stderr().lines().filter(line -> !line.isBlank()).toList();
    }

    /**
     * Ends the watchdog if it still runs (SIGTERM, so it stops its function process; SIGKILL if that takes over
     * 15 s), and removes the TMPDIR made for it with what it left there.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (!ownTmpDir) {
            return;
        }
        try (var files = Files.walk(tmpDir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Collects a stream as it comes, so a test can look at the log while the process runs. Keeps the first 16 MiB
     * (a flood test writes 100 MB) and counts the rest.
     */
    private static final class Output {
        private static final int KEPT = 16 << 20;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private long total;
        private final Thread reader;

        Output(InputStream in) {
            reader = new Thread(() -> {
                byte[] chunk = new byte[8192];
                int n;
                try (in) {
                    while ((n = in.read(chunk)) > 0) {
                        synchronized (bytes) {
                            total += n;
                            bytes.write(chunk, 0, Math.max(0, Math.min(n, KEPT - bytes.size())));
                        }
                    }
                } catch (IOException closed) {
                    // process gone
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        long total() {
            synchronized (bytes) {
                return total;
            }
        }

        void join() throws InterruptedException {
            reader.join(5000);
        }
    }
}
