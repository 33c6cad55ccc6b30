package dev.fwatchdog.process;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.fwatchdog.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import org.jboss.logging.Logger;

/** Makes the per-request runs of fprocess, with the settings every run shares. */
@Singleton
public class FunctionRuns {

    private static final Logger LOG = Logger.getLogger(FunctionRuns.class);

    @Inject
    Settings settings;

    @Inject
    ProcessIo io;

    private LogPump stderr;

    /** Runs whose process has started and not been waited for: killed when the watchdog stops. */
    private final Set<FunctionRun> live = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void init() {
        stderr = new LogPump(System.err, "stderr", settings.prefixLogs(), settings.logBufferSize());
    }

    /**
     * Once the watchdog listens (in a fork mode: this bean exists only there), and before its first call, which
     * would wait for it otherwise; after the start, which it would slow down on a small machine.
     */
    void bindNativeCalls(@ObservesAsync(notifyObserver = Reception.IF_EXISTS) HttpServerStart listening) {
        if (!settings.spawnThroughJdk()) {
            FunctionProcess.bindNativeCalls();
        }
    }

    public FunctionRun prepare() {
        return new FunctionRun(settings.functionProcess(), settings.spawnThroughJdk(), io, stderr, live);
    }

    public Duration execTimeout() {
        return settings.execTimeout();
    }

    /**
     * The watchdog is stopping (after the drain, or at once on SIGINT or a failure): no function outlives it. A
     * SIGKILL of the watchdog itself cannot be handled; see the README.
     */
    void stop(@Observes ShutdownEvent shutdown) {
        if (!live.isEmpty()) {
            LOG.infof("Killing %d function processes still running", live.size());
            live.forEach(FunctionRun::kill);
        }
    }

    /** Starts a call's blocking work on a process I/O thread: false when every thread is busy. */
    public boolean admit(Runnable work) {
        return io.admit(work);
    }
}
