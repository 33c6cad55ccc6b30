package dev.fwatchdog.route;

import java.util.Locale;

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
        String line = String.format(Locale.ROOT, "%s %s - %s - ContentLength: %dB (%.4fs)",
                request.method().name(), request.uri(), status, bytes, nanos / 1e9);
        if (settings.logCallId()) {
            String callId = request.getHeader("X-Call-Id");
            line += " [" + (callId == null || callId.isEmpty() ? "none" : callId) + "]";
        }
        LOG.info(line);
    }
}
