package dev.fwatchdog.lifecycle;

import dev.fwatchdog.config.Settings;
import io.quarkus.runtime.ApplicationLifecycleManager;
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
        LOG.infof("Watchdog mode: %s\tfprocess: %s", settings.mode().value(), String.join(" ", settings.functionProcess()));
        LOG.info(settings.timeoutsLine());
        LOG.infof("Listening on port: %d", settings.port());
        if (settings.suppressLock()) {
            LOG.warn("Warning: \"suppress_lock\" is enabled. No automated health-checks will be in place for your function.");
        }
        LOG.infof("Metrics listening on port: %d", settings.metricsPort());
        if (ApplicationLifecycleManager.isAppCDSGeneration()) {
            // Quarkus' generated main would exit here; ours does not, so CdsTraining does once it has trained.
            CdsTraining.trainThenExit(settings.port(), settings.metricsPort());
        }
    }
}
