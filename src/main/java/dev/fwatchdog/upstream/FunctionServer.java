package dev.fwatchdog.upstream;

import dev.fwatchdog.state.Serving;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.fwatchdog.config.InvalidSettingException;
import dev.fwatchdog.config.Mode;
import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.ChildProcess;
import dev.fwatchdog.process.LogPump;
import dev.fwatchdog.process.ProcessTree;
import dev.fwatchdog.process.StartFailedException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * http mode's function process: started once with the watchdog, its output forwarded to the log, and supervised.
 * When it exits on its own the watchdog stops serving and exits with its code (of-watchdog keeps running, answering
 * 500 forever, when the code is 0). When the watchdog stops (SIGTERM, or a dev-mode reload) the process gets SIGTERM,
 * then SIGKILL after a grace period, so it never outlives us or holds its port against the next start.
 */
@ApplicationScoped
public class FunctionServer {

    private static final Logger LOG = Logger.getLogger(FunctionServer.class);
    static final long GRACE_SECONDS = 5;

    private volatile ChildProcess child;
    private volatile boolean stopping;

    @Inject
    Settings settings;

    @Inject
    Upstream upstream;

    @Inject
    Serving serving;

    void start(@Observes StartupEvent start) {
        if (settings.mode() != Mode.HTTP) {
            return;
        }
        List<String> command = settings.functionProcess();
        // of-watchdog's line (Go prints a []string as [a b]); log collectors grep for it
        LOG.infof("Forking: %s, arguments: [%s]", command.get(0), String.join(" ", command.subList(1, command.size())));
        ChildProcess started;
        try {
            started = ChildProcess.start(settings.functionProcess(), Map.of());
        } catch (StartFailedException failed) {
            throw new InvalidSettingException("cannot start fprocess: " + failed.getMessage());
        }
        child = started;
        LOG.infof("Started function process, pid %d: %s", started.process().pid(),
                String.join(" ", settings.functionProcess()));
        forward(started.process().getInputStream(), new LogPump(System.out, "stdout", settings.prefixLogs(),
                settings.logBufferSize()), "function-stdout");
        forward(started.process().getErrorStream(), new LogPump(System.err, "stderr", settings.prefixLogs(),
                settings.logBufferSize()), "function-stderr");
        started.process().onExit().thenAccept(exited -> exited(exited.exitValue()));
        upstream.watch();
    }

    private static void forward(java.io.InputStream stream, LogPump pump, String threadName) {
        Thread thread = new Thread(() -> pump.pump(stream), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void exited(int code) {
        if (stopping) {
            return;
        }
        serving.stopTakingCalls();
        LOG.errorf("Function process exited with code %d: the watchdog exits too", code);
        Quarkus.asyncExit(code);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        stopping = true;
        ChildProcess running = child;
        if (running == null || !running.process().isAlive()) {
            return;
        }
        LOG.infof("Stopping the function process (SIGTERM, SIGKILL after %ds)", GRACE_SECONDS);
        Process process = running.process();
        ProcessTree.stop(process.toHandle(), () -> {
            process.destroy();
            try {
                if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("The function process did not stop in time: SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.kill();
            running.waitFor();
        });
    }
}
