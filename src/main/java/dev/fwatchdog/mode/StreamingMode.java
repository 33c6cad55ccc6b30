package dev.fwatchdog.mode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.StartFailedException;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.FunctionRuns;
import dev.fwatchdog.process.StdinStream;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * streaming: one process per request, the body piped into its stdin as it arrives and its stdout sent to the client
 * as it is written, both at once (WATCHDOG.md 4.3). Memory stays flat for any body size: both directions have
 * back-pressure.
 */
@Singleton
@LookupIfProperty(name = "watchdog.mode", stringValue = "streaming")
public class StreamingMode implements FunctionMode {

    private static final int READ_SIZE = 64 * 1024;

    @Inject
    Settings settings;

    @Inject
    FunctionRuns runs;

    @Inject
    HeapBudget budget;

    @Override
    public void handle(Call call) {
        ForkCall fork = new ForkCall(call, runs);
        HttpServerRequest request = call.ctx().request();
        RawConnection raw = RawConnection.of(request);
        // The length of what the function will print is unknown: chunked.
        ResponseOutput output = new ResponseOutput(fork.context, call.ctx().response(),
                response -> response.setStatusCode(200).setChunked(true).putHeader("Content-Type", settings.contentType()),
                raw);
        call.onClientGone(output::clientGone);
        long length = contentLength(request);
        if (length >= 0 && length <= FunctionRun.SMALL_INPUT) {
            // A few bytes: take them whole and save the thread that would stream them.
            WholeBody.of(call, budget.share(call)).onSuccess(input -> fork.execute(() -> serve(fork, output, () -> {
                fork.run.writeSmallInput(input);
                return null;
            })));
        } else if (raw != null && length >= RawConnection.WORTH) {
            List<Buffer> early = new ArrayList<>();
            raw.takeBody(fork.context, length, early::add, left -> fork.execute(() -> serve(fork, output, () -> {
                fork.run.feed(stdin -> raw.copyBody(early, left, stdin));
                return null;
            })));
        } else {
            request.pause();
            fork.execute(() -> serve(fork, output, () -> {
                StdinStream stdin = fork.run.stdin(fork.context);
                fork.onEventLoop(() -> request.pipeTo(stdin));
                return stdin;
            }));
        }
    }

    @Override
    public boolean logsReasonPhrase() {
        return false;
    }

    /** The body's length, or -1 when the request does not say (chunked) or says nonsense. */
    private static long contentLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** On a process I/O thread, for the whole call. */
    private void serve(ForkCall fork, ResponseOutput output, Input input) {
        FunctionRun run = fork.run;
        try {
            run.start(fork.environment);
        } catch (StartFailedException failed) {
            fork.onEventLoop(() -> finish(fork.call, output, failed.getMessage()));
            return;
        }
        StdinStream stdin = input.feed();
        copy(run, output);
        output.done();
        String error = run.await();
        if (stdin != null) {
            // A function that exits before the body is over reads no more of it.
            stdin.end();
        }
        fork.onEventLoop(() -> finish(fork.call, output, error));
    }

    /** Starts feeding the request body to the function; returns the stream to close when the run ends, if any. */
    private interface Input {
        StdinStream feed();
    }

    private static void copy(FunctionRun run, ResponseOutput output) {
        try {
            run.readOutput(READ_SIZE, output::write);
        } catch (IOException killed) {
            // the process is gone; await() tells how
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the event loop, once the function has exited. */
    private static void finish(Call call, ResponseOutput output, String error) {
        call.stopExecClock();
        HttpServerResponse response = call.ctx().response();
        if (response.closed()) {
            return;
        }
        call.ending();
        call.wroteAroundVertx(output.writtenAroundVertx());
        if (error == null) {
            output.begin();
            response.end();
        } else if (!output.started()) {
            response.setStatusCode(500).putHeader("Content-Type", "text/plain").end(error);
        } else {
            // Output has gone out with a 200: break the chunked stream so the client sees an error, not a success.
            call.abort(error);
        }
    }
}
