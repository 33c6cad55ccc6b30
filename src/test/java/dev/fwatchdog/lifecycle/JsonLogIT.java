package dev.fwatchdog.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.fwatchdog.support.WatchdogProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** log_format=json: the watchdog's own lines and request lines are JSON objects; the function's lines are its own. */
class JsonLogIT {

    private static final Duration START = Duration.ofSeconds(30);

    @Test
    void ownLinesAndRequestLinesAreJsonFunctionLinesStayRaw() throws Exception {
        try (WatchdogProcess watchdog = WatchdogProcess.start(Map.of("mode", "streaming",
                "fprocess", "sh src/test/resources/functions/dispatch.sh", "log_format", "json", "prefix_logs", "false"))) {
            watchdog.awaitHealthy(START);
            assertEquals(200, watchdog.send(HttpRequest.newBuilder(watchdog.uri("/stderr?x=1"))
                    .header("X-Call-Id", "call-7").build()).statusCode());
            watchdog.awaitStderr("\"path\":\"/stderr?x=1\"", START);
            watchdog.awaitStderr("no newline at the end", START);

            List<String> lines = watchdog.stderrLines();
            List<String> functionLines = List.of("line one", "line two", "no newline at the end");
            assertTrue(lines.containsAll(functionLines), "function lines as written: " + lines);
            List<JsonObject> own = lines.stream().filter(line -> !functionLines.contains(line)).map(JsonObject::new)
                    .toList();
            for (JsonObject line : own) {
                assertTrue(line.getString("time").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}.*"), line.encode());
                assertTrue(List.of("INFO", "WARN", "ERROR").contains(line.getString("level")), line.encode());
                assertTrue(line.containsKey("msg"), line.encode());
            }
            assertTrue(own.stream().anyMatch(line -> line.getString("msg").startsWith("Listening on port: ")), lines.toString());
            JsonObject call = own.stream().filter(line -> line.getString("msg").startsWith("GET /stderr")).findFirst()
                    .orElseThrow().getJsonObject("request");
            assertEquals("GET", call.getString("method"));
            assertEquals("/stderr?x=1", call.getString("path"));
            assertEquals("200", call.getString("status"));
            assertEquals("3", call.getString("bytes"));
            assertTrue(call.getString("duration").matches("\\d+\\.\\d{4}"), call.encode());
            assertEquals("call-7", call.getString("call_id"));
        }
    }
}
