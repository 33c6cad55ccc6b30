package dev.fwatchdog.route;

import java.math.BigDecimal;
import java.math.RoundingMode;

import dev.fwatchdog.config.Settings;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

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
        // Built by hand: this runs for every call, and String.format is several times slower.
        StringBuilder line = new StringBuilder(96).append(request.method().name()).append(' ').append(request.uri())
                .append(" - ").append(status).append(" - ContentLength: ").append(bytes).append("B (")
                .append(BigDecimal.valueOf(nanos, 9).setScale(4, RoundingMode.HALF_UP).toPlainString()).append("s)");
        if (settings.logCallId()) {
            String callId = request.getHeader("X-Call-Id");
            line.append(" [").append(callId == null || callId.isEmpty() ? "none" : callId).append(']');
        }
        LOG.info(line);
    }
}
