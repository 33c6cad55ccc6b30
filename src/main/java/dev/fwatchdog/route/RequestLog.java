package dev.fwatchdog.route;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Settings;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** One line per function call, as of-watchdog writes it: {@code POST /p - 200 - ContentLength: 271B (0.0100s)}. */
@Singleton
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
                .append(" - ").append(status).append(" - ContentLength: ").append(size(bytes)).append(" (")
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

    private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

    /**
     * A size as of-watchdog writes it (go-units' HumanSize): decimal units, four significant digits, no trailing
     * zeros: {@code 999B}, {@code 1.234kB}, {@code 12.35MB}.
     */
    static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + UNITS[0];
        }
        int unit = 0;
        double value = bytes;
        while (value >= 1000 && unit < UNITS.length - 1) {
            value /= 1000;
            unit++;
        }
        int whole = value >= 100 ? 3 : value >= 10 ? 2 : 1;
        int decimals = 4 - whole;
        long scale = decimals == 3 ? 1000 : decimals == 2 ? 100 : 10;
        long rounded = Math.round(value * scale);
        StringBuilder text = new StringBuilder(12).append(rounded / scale);
        long fraction = rounded % scale;
        if (fraction != 0) {
            int digits = decimals;
            while (fraction % 10 == 0) {
                fraction /= 10;
                digits--;
            }
            String significant = Long.toString(fraction);
            text.append('.').repeat('0', digits - significant.length()).append(significant);
        }
        return text.append(UNITS[unit]).toString();
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
