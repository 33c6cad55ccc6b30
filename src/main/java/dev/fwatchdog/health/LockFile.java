package dev.fwatchdog.health;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.fwatchdog.config.Settings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * {@code $TMPDIR/.lock}: OpenFaaS templates' Docker HEALTHCHECK ({@code fwatchdog -run-healthcheck}) tests for it. It
 * exists from the moment the listener is up until shutdown starts.
 */
@ApplicationScoped
public class LockFile {

    private static final Logger LOG = Logger.getLogger(LockFile.class);

    private final AtomicBoolean written = new AtomicBoolean();

    @Inject
    Settings settings;

    /** Fired once per listening event-loop verticle: the file is written by the first. */
    void listening(@ObservesAsync HttpServerStart start) {
        if (settings.suppressLock() || !written.compareAndSet(false, true)) {
            return;
        }
        Path path = settings.lockFile();
        LOG.infof("Writing lock-file to: %s", path);
        try {
            Files.write(path, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the lock file " + path, e);
        }
    }

    void stopping(@Observes ShutdownEvent shutdown) {
        remove();
    }

    public void remove() {
        try {
            Files.deleteIfExists(settings.lockFile());
        } catch (IOException e) {
            LOG.warnf("cannot remove the lock file %s: %s", settings.lockFile(), e.getMessage());
        }
    }

    /** With suppress_lock there is no file, and health answers from the watchdog's own state. */
    public boolean present() {
        return settings.suppressLock() || Files.exists(settings.lockFile());
    }
}
