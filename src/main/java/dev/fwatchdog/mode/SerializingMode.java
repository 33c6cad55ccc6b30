package dev.fwatchdog.mode;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.CgiEnvironment;
import dev.fwatchdog.process.ChildProcess.MissingProgramException;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.FunctionRuns;
import dev.fwatchdog.process.StdinStream;
import dev.fwatchdog.route.RequestLog;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
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
    FunctionRuns runs;

    @Inject
    RequestLog requestLog;

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        Map<String, String> environment = CgiEnvironment.of(ctx.request());
        FunctionRun run = runs.prepare(ctx.vertx());
        ctx.response().closeHandler(closed -> run.kill());
        Context context = ctx.vertx().getOrCreateContext();
        WholeBody.of(ctx).onSuccess(body -> {
            runs.execute(ctx, () -> {
                Outcome outcome = run(run, context, environment, body);
                context.runOnContext(back -> respond(ctx, outcome, start));
            });
        });
    }

    /** On a process I/O thread. */
    private static Outcome run(FunctionRun run, Context context, Map<String, String> environment, Buffer body) {
        try {
            run.start(environment);
        } catch (MissingProgramException missing) {
            return new Outcome(null, missing.getMessage());
        }
        if (body.length() <= FunctionRun.SMALL_INPUT) {
            run.writeSmallInput(body);
        } else {
            // Written by another thread: a function may write output before it has read all its input.
            StdinStream stdin = run.stdin(context);
            stdin.write(body);
            stdin.end();
        }
        byte[] stdout;
        try (var in = run.stdout()) {
            stdout = in.readAllBytes();
        } catch (IOException e) {
            stdout = new byte[0];
        }
        return new Outcome(stdout, run.await());
    }

    private void respond(RoutingContext ctx, Outcome outcome, long start) {
        long nanos = System.nanoTime() - start;
        HttpServerResponse response = ctx.response();
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
