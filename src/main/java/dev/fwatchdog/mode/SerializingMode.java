package dev.fwatchdog.mode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.mode.HeapBudget.Verdict;
import dev.fwatchdog.process.StartFailedException;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.FunctionRuns;
import dev.fwatchdog.process.StdinStream;
import dev.fwatchdog.process.StdoutSink;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * serializing: the whole body in, the function run once, its whole stdout out (WATCHDOG.md 4.2). For functions that
 * need their input complete before they start, and answers that are small.
 */
@Singleton
@LookupIfProperty(name = "watchdog.mode", stringValue = "serializing")
public class SerializingMode implements FunctionMode {

    /** As the JDK's readAllBytes reads: answers are small in this mode. */
    private static final int READ_SIZE = 8192;

    @Inject
    Settings settings;

    @Inject
    FunctionRuns runs;

    @Inject
    HeapBudget budget;

    @Override
    public void handle(Call call) {
        ForkCall fork = new ForkCall(call, runs);
        HeapBudget.Share share = budget.share(call);
        WholeBody.of(call, share).onSuccess(body -> fork.execute(() -> {
            Outcome outcome = run(fork.run, fork.context, fork.environment, body, share);
            fork.onEventLoop(() -> respond(call, outcome));
        }));
    }

    @Override
    public boolean logsReasonPhrase() {
        return false;
    }

    /** On a process I/O thread. */
    private static Outcome run(FunctionRun run, Context context, Map<String, String> environment, Buffer body,
            HeapBudget.Share share) {
        try {
            run.start(environment);
        } catch (StartFailedException failed) {
            return new Outcome(null, failed.getMessage());
        }
        if (body.length() <= FunctionRun.SMALL_INPUT) {
            run.writeSmallInput(body);
        } else {
            // Written by another thread: a function may write output before it has read all its input.
            StdinStream stdin = run.stdin(context);
            stdin.write(body);
            stdin.end();
        }
        HeldAnswer answer = new HeldAnswer(share);
        try {
            run.readOutput(READ_SIZE, answer);
        } catch (IOException e) {
            // the process is gone: await() tells how
        } catch (InterruptedException shuttingDown) {
            Thread.currentThread().interrupt();
        }
        if (answer.refused != null) {
            // The answer is held whole too: past the budget, stop the function rather than the watchdog.
            run.kill();
            run.await();
            return new Outcome(null, answer.refused == Verdict.TOO_LARGE
                    ? "function output larger than " + HeapBudget.LIMIT + " bytes: serializing mode holds"
                            + " the whole answer in memory (half the heap); use streaming mode"
                    : "no memory left to hold the function's answer: other calls' bodies fill the "
                            + HeapBudget.LIMIT + " bytes serializing mode may hold");
        }
        return new Outcome(Buffer.buffer(answer.bytes), run.await());
    }

    /**
     * The function's answer, held as exact copies of the pieces read, as WholeBody holds a body: no array that needs
     * twice the room while it grows, and no slack (64 calls at once each keeping 64 KiB arrays for 1 KiB answers grew
     * RSS). It takes no more than the heap budget allows.
     */
    private static final class HeldAnswer implements StdoutSink {

        final CompositeByteBuf bytes = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        private final HeapBudget.Share share;
        Verdict refused;

        HeldAnswer(HeapBudget.Share share) {
            this.share = share;
        }

        @Override
        public boolean accept(ByteBuffer piece) {
            Verdict verdict = share.take(piece.remaining());
            if (verdict != Verdict.TAKEN) {
                refused = verdict;
                return false;
            }
            bytes.addComponent(true, Unpooled.copiedBuffer(piece));
            return true;
        }
    }

    private void respond(Call call, Outcome outcome) {
        call.stopExecClock();
        HttpServerResponse response = call.ctx().response();
        if (response.closed()) {
            return;
        }
        response.putHeader("Content-Type", settings.contentType())
                .putHeader("X-Duration-Seconds", call.durationSeconds());
        Buffer body = outcome.error() == null ? outcome.stdout() : Buffer.buffer(outcome.error());
        call.ending();
        response.setStatusCode(outcome.error() == null ? 200 : 500).end(body);
    }

    private record Outcome(Buffer stdout, String error) {
    }
}
