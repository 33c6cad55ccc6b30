package dev.fwatchdog.route;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Settings;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** One line per function call, as of-watchdog writes it: {@code POST /p - 200 - ContentLength: 271B (0.0100s)}. */
@ApplicationScoped
public class RequestLog {

    private static final Logger LOG = Logger.getLogger(RequestLog.class);

    @Inject
    Settings settings;

    public void log(HttpServerRequest request, String status, long bytes, long nanos) {
        String agent = request.getHeader("User-Agent");
        if (agent != null && agent.startsWith("kube-probe")) {
            return;
        }
        String seconds = Durations.seconds(nanos, 4);
        StringBuilder line = new StringBuilder(96).append(request.method().name()).append(' ').append(request.uri())
                .append(" - ").append(status).append(" - ContentLength: ").append(bytes).append("B (")
                .append(seconds).append("s)");
        String callId = request.getHeader("X-Call-Id");
        if (settings.logCallId()) {
            line.append(" [").append(callId == null || callId.isEmpty() ? "none" : callId).append(']');
        }
        if (settings.logJson()) {
            logFields(request, status, bytes, seconds, callId, line);
        } else {
            LOG.info(line);
        }
    }

    /** log_format=json: the JSON formatter writes the diagnostic context as the line's "request" object. */
    private static void logFields(HttpServerRequest request, String status, long bytes, String seconds, String callId,
            CharSequence line) {
        MDC.put("method", request.method().name());
        MDC.put("path", request.uri());
        MDC.put("status", status.split(" ", 2)[0]);
        MDC.put("bytes", Long.toString(bytes));
        MDC.put("duration", seconds);
        if (callId != null && !callId.isEmpty()) {
            MDC.put("call_id", callId);
        }
        try {
            LOG.info(line);
        } finally {
            MDC.clear();
        }
    }
}
