package dev.fwatchdog.lifecycle;

import dev.fwatchdog.config.Settings;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** of-watchdog's start-up lines, so operators find what they are used to. */
@ApplicationScoped
public class StartupLog {

    private static final Logger LOG = Logger.getLogger(StartupLog.class);

    @Inject
    Settings settings;

    void started(@Observes StartupEvent start) {
        LOG.infof("Watchdog mode: %s\tfprocess: %s", settings.mode().value(),
                goQuoted(String.join(" ", settings.functionProcess())));
        LOG.info(settings.timeoutsLine());
        LOG.infof("Listening on port: %d", settings.port());
        if (settings.suppressLock()) {
            LOG.warn("Warning: \"suppress_lock\" is enabled. No automated health-checks will be in place for your function.");
        }
        LOG.infof("Metrics listening on port: %d", settings.metricsPort());
        if (TrainingRun.requested()) {
            TrainingRun.trainThenExit(settings.port(), settings.metricsPort());
        }
    }

    /** As Go's %q writes a string: in double quotes, with quotes, backslashes and control characters escaped. */
    static String goQuoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\r' -> quoted.append("\\r");
                case 0x07 -> quoted.append("\\a");
                case '\b' -> quoted.append("\\b");
                case '\f' -> quoted.append("\\f");
                case 0x0b -> quoted.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", c));
                    } else if (Character.isISOControl(c) || !Character.isDefined(c)) {
                        quoted.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
                    } else {
                        quoted.appendCodePoint(c);
                    }
                }
            }
        });
        return quoted.append('"').toString();
    }
}
