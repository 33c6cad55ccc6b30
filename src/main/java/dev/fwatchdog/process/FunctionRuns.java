package dev.fwatchdog.process;

import java.util.concurrent.RejectedExecutionException;

import dev.fwatchdog.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Makes the per-request runs of fprocess, with the settings every run shares. */
@ApplicationScoped
public class FunctionRuns {

    @Inject
    Settings settings;

    @Inject
    ProcessIo io;

    private LogPump stderr;

    @PostConstruct
    void init() {
        stderr = new LogPump(System.err, "stderr", settings.prefixLogs(), settings.logBufferSize());
    }

    public FunctionRun prepare(Vertx vertx) {
        return new FunctionRun(vertx, settings.functionProcess(), settings.execTimeout(), io, stderr);
    }

    /** Runs a call's blocking work on a process I/O thread; when every one is taken, the call gets a 503. */
    public void execute(RoutingContext ctx, Runnable work) {
        try {
            io.execute(work);
        } catch (RejectedExecutionException busy) {
            ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain")
                    .end("too many function calls at once: every process I/O thread is busy\n");
        }
    }
}
