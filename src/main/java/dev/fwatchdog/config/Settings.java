package dev.fwatchdog.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The watchdog's settings, parsed and checked once at start-up. Every rule of WATCHDOG.md section 1 lives here, so a
 * bad value stops the start with one line naming the variable.
 */
public record Settings(
        Mode mode,
        List<String> functionProcess,
        int port,
        int metricsPort,
        Optional<URI> upstreamUrl,
        Duration readTimeout,
        Duration writeTimeout,
        Duration execTimeout,
        Duration healthcheckInterval,
        String contentType,
        Path staticPath,
        boolean staticSpa,
        Optional<String> staticCacheControl,
        boolean suppressLock,
        boolean bufferRequestBody,
        int maxInflight,
        int afterburnWorkers,
        boolean prefixLogs,
        int logBufferSize,
        boolean logCallId,
        boolean logJson,
        Optional<String> readyPath,
        boolean jwtAuth,
        boolean jwtAuthDebug,
        boolean jwtAuthLocal,
        URI jwtDiscoveryUrl,
        String functionName,
        String functionNamespace,
        Path lockFile,
        boolean spawnThroughJdk) {

    private static final String DEFAULT_TIMEOUT = "30s";
    private static final String SERVICE_ACCOUNT_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public static Settings of(WatchdogConfig raw) {
        Mode mode = Mode.parse(raw.mode().orElse("streaming"));
        List<String> functionProcess = raw.functionProcess().map(Settings::splitCommand).orElse(List.of());
        if (functionProcess.isEmpty() && mode != Mode.STATIC) {
            throw new InvalidSettingException("missing fprocess: mode " + mode.value()
                    + " needs the function's command line in fprocess (or function_process)");
        }
        Optional<URI> upstreamUrl = raw.upstreamUrl().map(url -> url("upstream_url", url));
        if (upstreamUrl.isEmpty() && mode == Mode.HTTP) {
            throw new InvalidSettingException(
                    "missing upstream_url: mode http needs the function server's URL, e.g. http://127.0.0.1:3000");
        }
        Duration writeTimeout = Durations.parse("write_timeout", raw.writeTimeout().orElse(DEFAULT_TIMEOUT));
        if (writeTimeout.isZero()) {
            throw InvalidSettingException.of("write_timeout", raw.writeTimeout().get(),
                    "a duration above zero, like 10s: responses need time to be written");
        }
        int logBufferSize = integer("log_buffer_size", raw.logBufferSize().orElse("65536"), -1,
                "a number of bytes above 0, or -1 for no limit");
        if (logBufferSize == 0) {
            throw InvalidSettingException.of("log_buffer_size", "0", "a number of bytes above 0, or -1 for no limit");
        }
        Path staticPath = Path.of(raw.staticPath().orElse("/home/app/public"));
        if (mode == Mode.STATIC && !Files.isDirectory(staticPath)) {
            throw InvalidSettingException.of("static_path", staticPath.toString(), "a directory to serve files from");
        }
        boolean jwtAuth = bool("jwt_auth", raw.jwtAuth());
        boolean jwtAuthLocal = bool("jwt_auth_local", raw.jwtAuthLocal());
        return new Settings(
                mode,
                functionProcess,
                port("port", raw.port().orElse("8080")),
                port("metrics_port", raw.metricsPort().orElse("8081")),
                upstreamUrl,
                Durations.parse("read_timeout", raw.readTimeout().orElse(DEFAULT_TIMEOUT)),
                writeTimeout,
                Durations.parse("exec_timeout", raw.execTimeout().orElse(DEFAULT_TIMEOUT)),
                raw.healthcheckInterval().map(v -> Durations.parse("healthcheck_interval", v)).orElse(writeTimeout),
                raw.contentType().orElse("application/octet-stream"),
                staticPath,
                bool("static_spa", raw.staticSpa()),
                raw.staticCacheControl(),
                bool("suppress_lock", raw.suppressLock()),
                bool("http_buffer_req_body", raw.httpBufferReqBody()) | bool("buffer_http", raw.bufferHttp()),
                integer("max_inflight", raw.maxInflight().orElse("0"), 0, "a whole number of requests, 0 for no limit"),
                integer("afterburn_workers", raw.afterburnWorkers().orElse("1"), 1, "a whole number of workers, 1 or more"),
                bool("prefix_logs", Optional.of(raw.prefixLogs().orElse("true"))),
                logBufferSize,
                bool("log_callid", raw.logCallid()),
                logJson(raw.logFormat()),
                raw.readyPath().map(path -> path.startsWith("/") ? path : "/" + path),
                jwtAuth,
                bool("jwt_auth_debug", raw.jwtAuthDebug()),
                jwtAuthLocal,
                raw.jwtAuthIssuerUrl().map(url -> url("jwt_auth_issuer_url", url)).orElse(URI.create(jwtAuthLocal
                        ? "http://127.0.0.1:8000" : "http://gateway.openfaas:8080")),
                jwtAuth ? required("OPENFAAS_NAME", raw.functionName()) : raw.functionName().orElse(""),
                jwtAuth ? namespace(raw.functionNamespace()) : raw.functionNamespace().orElse(""),
                lockFile(raw.lockDir().orElse(null)),
                bool("spawn_through_jdk", raw.spawnThroughJdk()));
    }

    /** The lock file, {@code $TMPDIR/.lock}: /tmp/.lock when TMPDIR is unset or empty. */
    public static Path lockFile(String directory) {
        return Path.of(directory == null || directory.isEmpty() ? "/tmp" : directory, ".lock");
    }

    /** log_format: text (of-watchdog's lines, the default) or json (see config.LogFormatSource). */
    private static boolean logJson(Optional<String> value) {
        String format = value.orElse("text");
        if (!format.equals("text") && !format.equals("json")) {
            throw InvalidSettingException.of("log_format", format, "text or json");
        }
        return format.equals("json");
    }

    /** of-watchdog splits fprocess on spaces and runs it without a shell. */
    static List<String> splitCommand(String commandLine) {
        return Arrays.stream(commandLine.trim().split(" +")).filter(word -> !word.isEmpty()).toList();
    }

    private static boolean bool(String variable, Optional<String> value) {
        if (value.isEmpty()) {
            return false;
        }
        return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw InvalidSettingException.of(variable, value.get(), "true, false, 1 or 0");
        };
    }

    public static int port(String variable, String value) {
        return integer(variable, value, 1, 65535, "a port number from 1 to 65535");
    }

    private static int integer(String variable, String value, int min, String wanted) {
        return integer(variable, value, min, Integer.MAX_VALUE, wanted);
    }

    private static int integer(String variable, String value, int min, int max, String wanted) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // falls through to the error below
        }
        throw InvalidSettingException.of(variable, value, wanted);
    }

    private static URI url(String variable, String value) {
        try {
            URI uri = new URI(value.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException malformed) {
            // falls through to the error below
        }
        throw InvalidSettingException.of(variable, value, "an absolute http URL like http://127.0.0.1:3000");
    }

    private static String required(String variable, Optional<String> value) {
        return value.orElseThrow(() -> new InvalidSettingException("missing " + variable
                + ": jwt_auth=true needs the function's name to check tokens against"));
    }

    /** The function's namespace: OPENFAAS_NAMESPACE, else the one Kubernetes mounts into every pod. */
    private static String namespace(Optional<String> value) {
        if (value.isPresent()) {
            return value.get();
        }
        Path mounted = Path.of(SERVICE_ACCOUNT_NAMESPACE);
        try {
            String namespace = Files.readString(mounted).trim();
            if (!namespace.isEmpty()) {
                return namespace;
            }
        } catch (IOException | SecurityException unreadable) {
            // falls through to the error below
        }
        throw new InvalidSettingException("missing OPENFAAS_NAMESPACE: jwt_auth=true needs the function's namespace, "
                + "and " + mounted + " cannot be read");
    }

    /** The timeouts line of of-watchdog's start-up log. */
    public String timeoutsLine() {
        return "Timeouts: read: " + Durations.format(readTimeout) + " write: " + Durations.format(writeTimeout)
                + " hard: " + Durations.format(execTimeout) + " health: " + Durations.format(healthcheckInterval);
    }
}
