package dev.fwatchdog.mode;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.CgiEnvironment;
import dev.fwatchdog.process.ChildProcess.MissingProgramException;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.LogPump;
import dev.fwatchdog.process.ProcessIo;
import dev.fwatchdog.route.RequestLog;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * serializing: the whole body in, the function run once, its whole stdout out (WATCHDOG.md 4.2). For functions that
 * need their input complete before they start, and answers that are small.
 */
@ApplicationScoped
@LookupIfProperty(name = "watchdog.mode", stringValue = "serializing")
public class SerializingMode implements FunctionMode {

    @Inject
    Settings settings;

    @Inject
    ProcessIo io;

    @Inject
    RequestLog requestLog;

    private LogPump stderr;

    @jakarta.annotation.PostConstruct
    void init() {
        stderr = new LogPump(System.err, "stderr", settings.prefixLogs(), settings.logBufferSize());
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        Map<String, String> environment = CgiEnvironment.of(ctx.request());
        FunctionRun run = new FunctionRun(ctx.vertx(), settings.execTimeout());
        ctx.response().closeHandler(closed -> run.kill());
        Context context = ctx.vertx().getOrCreateContext();
        var wholeBody = ctx.request().body();
        // Quarkus hands routes a paused request; body() reads it only once resumed.
        ctx.request().resume();
        wholeBody.onFailure(ctx::fail).onSuccess(body -> {
            try {
                io.execute(() -> {
                    Outcome outcome = run(run, environment, body);
                    context.runOnContext(back -> respond(ctx, outcome, start));
                });
            } catch (RejectedExecutionException busy) {
                ctx.response().setStatusCode(503).end("too many function calls at once\n");
            }
        });
    }

    private Outcome run(FunctionRun run, Map<String, String> environment, Buffer body) {
        try {
            run.start(settings.functionProcess(), environment, io, stderr);
        } catch (MissingProgramException missing) {
            return new Outcome(null, missing.getMessage());
        }
        io.execute(() -> write(run.stdin(), body));
        byte[] stdout;
        try {
            stdout = run.stdout().readAllBytes();
        } catch (IOException e) {
            stdout = new byte[0];
        }
        return new Outcome(stdout, run.await());
    }

    /** On its own thread: a function may write output before it has read all its input. */
    private static void write(OutputStream stdin, Buffer body) {
        try (stdin) {
            stdin.write(body.getBytes());
        } catch (IOException functionStoppedReading) {
            // its choice: the answer is what it wrote
        }
    }

    private void respond(RoutingContext ctx, Outcome outcome, long start) {
        long nanos = System.nanoTime() - start;
        var response = ctx.response();
        if (response.closed()) {
            return;
        }
        response.putHeader("Content-Type", settings.contentType())
                .putHeader("X-Duration-Seconds", String.format(Locale.ROOT, "%.6f", nanos / 1e9));
        Buffer body = outcome.error() == null ? Buffer.buffer(outcome.stdout()) : Buffer.buffer(outcome.error());
        response.setStatusCode(outcome.error() == null ? 200 : 500).end(body);
        requestLog.log(ctx.request(), Integer.toString(response.getStatusCode()), body.length(), nanos);
    }

    private record Outcome(byte[] stdout, String error) {
    }
}
