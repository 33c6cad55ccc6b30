package dev.fwatchdog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parsing and cross-field rules; the variable names and aliases are covered end to end by StartupIT. */
class SettingsTest {

    /** A WatchdogConfig whose methods answer from a map keyed by method name, as SmallRye would from properties. */
    private static Settings settings(String... pairs) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        WatchdogConfig raw = (WatchdogConfig) Proxy.newProxyInstance(WatchdogConfig.class.getClassLoader(),
                new Class<?>[] { WatchdogConfig.class }, (proxy, method, args) -> Optional.ofNullable(values.get(method.getName())));
        return Settings.of(raw);
    }

    private static String error(String... pairs) {
        return assertThrows(InvalidSettingException.class, () -> settings(pairs)).getMessage();
    }

    @Test
    void defaultsAreOfWatchdogs() {
        Settings s = settings("functionProcess", "cat");
        assertEquals(Mode.STREAMING, s.mode());
        assertEquals(List.of("cat"), s.functionProcess());
        assertEquals(8080, s.port());
        assertEquals(8081, s.metricsPort());
        assertEquals(Duration.ofSeconds(30), s.readTimeout());
        assertEquals(Duration.ofSeconds(30), s.writeTimeout());
        assertEquals(Duration.ofSeconds(30), s.execTimeout());
        assertEquals(Duration.ofSeconds(30), s.healthcheckInterval());
        assertEquals("application/octet-stream", s.contentType());
        assertEquals(Path.of("/home/app/public"), s.staticPath());
        assertFalse(s.suppressLock());
        assertFalse(s.bufferRequestBody());
        assertEquals(0, s.maxInflight());
        assertTrue(s.prefixLogs());
        assertEquals(65536, s.logBufferSize());
        assertFalse(s.logCallId());
        assertEquals(Optional.empty(), s.readyPath());
        assertEquals(Path.of("/tmp/.lock"), s.lockFile());
        assertEquals("Timeouts: read: 30s write: 30s hard: 30s health: 30s", s.timeoutsLine());
    }

    @Test
    void fprocessIsSplitOnSpacesWithoutAShell() {
        assertEquals(List.of("node", "index.js", "$HOME", "a|b"),
                settings("functionProcess", "  node  index.js $HOME a|b ").functionProcess());
    }

    @Test
    void healthcheckIntervalFollowsWriteTimeout() {
        Settings s = settings("functionProcess", "cat", "writeTimeout", "1m30s");
        assertEquals(Duration.ofSeconds(90), s.healthcheckInterval());
        assertEquals("Timeouts: read: 30s write: 1m30s hard: 30s health: 1m30s", s.timeoutsLine());
        assertEquals(Duration.ZERO, settings("functionProcess", "cat", "healthcheckInterval", "0").healthcheckInterval());
    }

    @ParameterizedTest
    @CsvSource({ "true, true", "TRUE, true", "1, true", "True, true", "false, false", "0, false", "FALSE, false" })
    void booleans(String value, boolean expected) {
        assertEquals(expected, settings("functionProcess", "cat", "suppressLock", value).suppressLock());
    }

    @Test
    void eitherBufferingNameTurnsItOn() {
        assertTrue(settings("functionProcess", "cat", "bufferHttp", "true").bufferRequestBody());
        assertTrue(settings("functionProcess", "cat", "httpBufferReqBody", "1", "bufferHttp", "false").bufferRequestBody());
        assertFalse(settings("functionProcess", "cat", "httpBufferReqBody", "0", "bufferHttp", "0").bufferRequestBody());
    }

    @Test
    void readyPathGetsALeadingSlash() {
        assertEquals(Optional.of("/ready"), settings("functionProcess", "cat", "readyPath", "ready").readyPath());
        assertEquals(Optional.of("/ready"), settings("functionProcess", "cat", "readyPath", "/ready").readyPath());
    }

    @Test
    void staticModeNeedsNoFprocess() {
        assertEquals(Mode.STATIC, settings("mode", "static", "staticPath", "src").mode());
        assertEquals("invalid static_path \"/no/such/dir\": want a directory to serve files from",
                error("mode", "static", "staticPath", "/no/such/dir"));
    }

    @Test
    void afterburnModeStartsOneWorkerUnlessTold() {
        assertEquals(Mode.AFTERBURN, settings("mode", "afterburn", "functionProcess", "node worker.js").mode());
        assertEquals(1, settings("mode", "afterburn", "functionProcess", "cat").afterburnWorkers());
        assertEquals(4, settings("mode", "afterburn", "functionProcess", "cat", "afterburnWorkers", "4")
                .afterburnWorkers());
        assertEquals("missing fprocess: mode afterburn needs the function's command line in fprocess (or function_process)",
                error("mode", "afterburn"));
    }

    @Test
    void everyBadValueIsOneLineNamingTheVariable() {
        assertEquals("invalid mode \"inproc\": want one of http, serializing, streaming, static, afterburn",
                error("mode", "inproc", "functionProcess", "cat"));
        assertEquals("invalid mode \"HTTP\": want one of http, serializing, streaming, static, afterburn",
                error("mode", "HTTP", "functionProcess", "cat"));
        assertEquals("missing fprocess: mode streaming needs the function's command line in fprocess (or function_process)",
                error());
        assertEquals("missing upstream_url: mode http needs the function server's URL, e.g. http://127.0.0.1:3000",
                error("mode", "http", "functionProcess", "node index.js"));
        assertEquals("invalid upstream_url \"localhost:3000\": want an absolute http URL like http://127.0.0.1:3000",
                error("mode", "http", "functionProcess", "node", "upstreamUrl", "localhost:3000"));
        assertEquals("invalid write_timeout \"0\": want a duration above zero, like 10s: responses need time to be written",
                error("functionProcess", "cat", "writeTimeout", "0"));
        assertEquals("invalid write_timeout \"0s\": want a duration above zero, like 10s: responses need time to be written",
                error("functionProcess", "cat", "writeTimeout", "0s"));
        assertEquals("invalid exec_timeout \"1.5\": want a duration like 10s or a number of seconds",
                error("functionProcess", "cat", "execTimeout", "1.5"));
        assertEquals("invalid read_timeout \"ten\": want a duration like 10s or a number of seconds",
                error("functionProcess", "cat", "readTimeout", "ten"));
        assertEquals("invalid healthcheck_interval \"-1s\": want a duration like 10s or a number of seconds",
                error("functionProcess", "cat", "healthcheckInterval", "-1s"));
        assertEquals("invalid port \"0\": want a port number from 1 to 65535", error("functionProcess", "cat", "port", "0"));
        assertEquals("invalid port \"65536\": want a port number from 1 to 65535",
                error("functionProcess", "cat", "port", "65536"));
        assertEquals("invalid metrics_port \"http\": want a port number from 1 to 65535",
                error("functionProcess", "cat", "metricsPort", "http"));
        assertEquals("invalid suppress_lock \"yes\": want true, false, 1 or 0",
                error("functionProcess", "cat", "suppressLock", "yes"));
        assertEquals("invalid buffer_http \"on\": want true, false, 1 or 0",
                error("functionProcess", "cat", "bufferHttp", "on"));
        assertEquals("invalid max_inflight \"-1\": want a whole number of requests, 0 for no limit",
                error("functionProcess", "cat", "maxInflight", "-1"));
        assertEquals("invalid max_inflight \"many\": want a whole number of requests, 0 for no limit",
                error("functionProcess", "cat", "maxInflight", "many"));
        assertEquals("invalid afterburn_workers \"0\": want a whole number of workers, 1 or more",
                error("mode", "afterburn", "functionProcess", "cat", "afterburnWorkers", "0"));
        assertEquals("invalid log_buffer_size \"0\": want a number of bytes above 0, or -1 for no limit",
                error("functionProcess", "cat", "logBufferSize", "0"));
        assertEquals("invalid log_buffer_size \"-2\": want a number of bytes above 0, or -1 for no limit",
                error("functionProcess", "cat", "logBufferSize", "-2"));
        assertEquals("invalid prefix_logs \"2\": want true, false, 1 or 0",
                error("functionProcess", "cat", "prefixLogs", "2"));
        assertEquals("invalid jwt_auth \"maybe\": want true, false, 1 or 0",
                error("functionProcess", "cat", "jwtAuth", "maybe"));
    }

    @Test
    void unboundedLogLines() {
        assertEquals(-1, settings("functionProcess", "cat", "logBufferSize", "-1").logBufferSize());
    }
}
