package dev.fwatchdog.mode;

import java.io.IOException;
import java.util.Map;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.CgiEnvironment;
import dev.fwatchdog.process.ChildProcess.StartFailedException;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.FunctionRuns;
import dev.fwatchdog.process.StdinStream;
import dev.fwatchdog.route.RequestLog;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * streaming: one process per request, the body piped into its stdin as it arrives and its stdout sent to the client
 * as it is written, both at once (WATCHDOG.md 4.3). Memory stays flat for any body size: both directions have
 * back-pressure.
 */
@ApplicationScoped
@LookupIfProperty(name = "watchdog.mode", stringValue = "streaming")
public class StreamingMode implements FunctionMode {

    private static final int READ_SIZE = 64 * 1024;

    @Inject
    Settings settings;

    @Inject
    FunctionRuns runs;

    @Inject
    RequestLog requestLog;

    @Inject
    HeapBudget budget;

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        Map<String, String> environment = CgiEnvironment.of(ctx.request());
        Context context = ctx.vertx().getOrCreateContext();
        FunctionRun run = runs.prepare(ctx.vertx());
        ResponseOutput output = new ResponseOutput(context, ctx.response(), settings.contentType());
        ctx.response().closeHandler(closed -> {
            run.abort();
            output.clientGone();
        });
        HttpServerRequest request = ctx.request();
        if (smallBody(request)) {
            // A few bytes: take them whole and save the thread that would stream them.
            WholeBody.of(ctx, budget.share(ctx)).onSuccess(input -> runs.execute(ctx, run,
                    () -> serve(ctx, context, run, environment, output, start, () -> {
                        run.writeSmallInput(input);
                        return null;
                    }))).onFailure(unread -> requestLog.logAnswered(ctx, start));
        } else {
            request.pause();
            runs.execute(ctx, run, () -> serve(ctx, context, run, environment, output, start, () -> {
                StdinStream stdin = run.stdin(context);
                context.runOnContext(back -> request.pipeTo(stdin));
                return stdin;
            }));
        }
    }

    private static boolean smallBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length != null && Long.parseLong(length) <= FunctionRun.SMALL_INPUT;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    /** On a process I/O thread, for the whole call. */
    private void serve(RoutingContext ctx, Context context, FunctionRun run, Map<String, String> environment,
            ResponseOutput output, long start, Input input) {
        try {
            run.start(environment);
        } catch (StartFailedException failed) {
            context.runOnContext(back -> finish(ctx, run, output, failed.getMessage(), start));
            return;
        }
        StdinStream stdin = input.feed();
        copy(run, output);
        String error = run.await();
        if (stdin != null) {
            // A function that exits before the body is over reads no more of it.
            stdin.end();
        }
        context.runOnContext(back -> finish(ctx, run, output, error, start));
    }

    /** Starts feeding the request body to the function; returns the stream to close when the run ends, if any. */
    private interface Input {
        StdinStream feed();
    }

    private static void copy(FunctionRun run, ResponseOutput output) {
        try {
            run.readOutput(READ_SIZE, (chunk, n) -> output.write(Buffer.buffer(n).appendBytes(chunk, 0, n)));
        } catch (IOException killed) {
            // the process is gone; await() tells how
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the event loop, once the function has exited. */
    private void finish(RoutingContext ctx, FunctionRun run, ResponseOutput output, String error, long start) {
        run.stopClock();
        long nanos = System.nanoTime() - start;
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            requestLog.log(ctx.request(), "client gone", output.bytes(), nanos);
            return;
        }
        if (error == null) {
            output.begin();
            response.end();
            requestLog.log(ctx.request(), "200", output.bytes(), nanos);
        } else if (!output.started()) {
            response.setStatusCode(500).putHeader("Content-Type", "text/plain").end(error);
            requestLog.log(ctx.request(), "500", error.length(), nanos);
        } else {
            // Output has gone out with a 200: break the chunked stream so the client sees an error, not a success.
            response.reset();
            requestLog.log(ctx.request(), "200 aborted (" + error + ")", output.bytes(), nanos);
        }
    }
}
