package dev.fwatchdog.lifecycle;

import dev.fwatchdog.state.InFlight;
import dev.fwatchdog.state.Serving;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Settings;
import dev.fwatchdog.health.LockFile;
import dev.fwatchdog.process.ProcessTree;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;
import sun.misc.Signal;

/**
 * The SIGTERM sequence of WATCHDOG.md section 6, which loses no call: health and ready turn 503 and the lock file goes
 * at once; calls are still served for healthcheck_interval (Kubernetes needs that long to stop routing to us); then new
 * calls are turned away and those in flight drain, up to write_timeout. Only after that does Quarkus fire
 * ShutdownEvent, where the http-mode function server is stopped ({@link FunctionServer}), and the watchdog exits 0.
 *
 * <p>It runs in Quarkus' pre-shutdown phase ({@code quarkus.shutdown.delay-enabled}), while the HTTP server is still
 * fully up. Any other way out (SIGINT, the function server dying, a start-up failure) skips the waiting. Dev mode has
 * no pre-shutdown phase, so a hot reload never waits.
 */
@ApplicationScoped
public class GracefulShutdown {

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class);
    private static final long POLL_MILLIS = 20;

    private static volatile boolean terminated;
    /** Counted down by SIGINT: a shutdown under way stops waiting. */
    private static final CountDownLatch HURRY = new CountDownLatch(1);

    @Inject
    Settings settings;

    @Inject
    Serving serving;

    @Inject
    LockFile lockFile;

    @Inject
    InFlight inFlight;

    /**
     * SIGTERM becomes a normal exit with code 0 that drains first (the JVM's own handler, which Quarkus leaves TERM to,
     * would exit 143). SIGINT exits at once with 130 as before, and also cuts short a SIGTERM drain under way.
     */
    public static void handleSignals() {
        Signal.handle(new Signal("TERM"), signal -> {
            if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
                // Dev mode's exit handler keeps the JVM for the next reload: leave as the JVM would, at once.
                System.exit(128 + signal.getNumber());
            }
            terminated = true;
            Quarkus.asyncExit(0);
        });
        Signal.handle(new Signal("INT"), signal -> {
            HURRY.countDown();
            System.exit(128 + signal.getNumber());
        });
    }

    void begin(@Observes ShutdownDelayInitiatedEvent event) {
        serving.reportUnhealthy();
        lockFile.remove();
        if (!terminated) {
            serving.stopTakingCalls();
            LOG.info("Shutting down without draining: in-flight calls are cut");
            return;
        }
        Duration interval = settings.healthcheckInterval();
        LOG.infof("SIGTERM: /_/health and /_/ready answer 503, lock file removed; serving calls for %s more "
                + "(healthcheck_interval)", Durations.format(interval));
        sleep(interval.toMillis());
        serving.stopTakingCalls();
        LOG.infof("No longer accepting calls; draining %d in flight (up to write_timeout %s)", inFlight.count(),
                Durations.format(settings.writeTimeout()));
        long deadline = System.nanoTime() + settings.writeTimeout().toNanos();
        while (inFlight.count() > 0 && System.nanoTime() < deadline && HURRY.getCount() > 0) {
            sleep(POLL_MILLIS);
        }
        long left = inFlight.count();
        if (left == 0) {
            LOG.info("All calls completed");
        } else {
            LOG.warnf("write_timeout passed with %d calls still in flight: they are cut", left);
        }
    }

    /**
     * The last step of every shutdown: whatever the functions started and left behind (a background job of a call that
     * has ended, say) is killed. As PID 1 of a container the watchdog also inherits orphaned grandchildren, so this
     * reaches them too. Only in a normal launch: in tests and dev mode the JVM has children that are not ours.
     */
    void sweep(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) ShutdownEvent shutdown) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        int killed = ProcessTree.killDescendantsOfThisProcess();
        if (killed > 0) {
            LOG.infof("Killed %d processes the functions left behind", killed);
        }
    }

    private static void sleep(long millis) {
        try {
            HURRY.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
