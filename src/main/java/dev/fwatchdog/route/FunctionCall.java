package dev.fwatchdog.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.mode.Call;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;

/**
 * A function call's shared concerns, from its arrival to its end: one deadline timer for read_timeout, write_timeout
 * and exec_timeout, the in-flight slot, the metrics observation and the request log line, all settled in one end
 * handler, and the watchdog's own answers. Made by {@link FunctionCalls}; lives on the call's event loop.
 */
final class FunctionCall implements Call {

    private static final Logger LOG = Logger.getLogger(FunctionCall.class);
    private static final long NONE = Long.MAX_VALUE;

    private final RoutingContext ctx;
    private final FunctionCalls calls;
    private final long start;
    /** A ready_path probe: no slot, no metrics, no log line. */
    private final boolean counted;
    private final boolean reasonPhrase;
    private final long readDeadline;
    private final long writeDeadline;
    private long execDeadline = NONE;
    private Runnable onExecTimeout;
    private long timer = -1;
    private long timerDeadline = NONE;
    private boolean holdsSlot;
    private boolean over;
    private String reported;
    private List<Runnable> whenDone;
    private List<Runnable> onClientGone;
    private long wroteAroundVertx;

    FunctionCall(RoutingContext ctx, FunctionCalls calls, boolean counted, boolean reasonPhrase) {
        this.ctx = ctx;
        this.calls = calls;
        this.counted = counted;
        this.reasonPhrase = reasonPhrase;
        this.start = System.nanoTime();
        long read = calls.readTimeout().toNanos();
        readDeadline = read > 0 ? start + read : NONE;
        writeDeadline = start + calls.writeTimeout().toNanos();
        arm();
        ctx.addEndHandler(this::ended);
    }

    /** Takes an in-flight place; false when max_inflight calls are running. */
    boolean enter() {
        holdsSlot = calls.inFlight().enter();
        return holdsSlot;
    }

    @Override
    public RoutingContext ctx() {
        return ctx;
    }

    @Override
    public String durationSeconds() {
        return Durations.seconds(System.nanoTime() - start, 6);
    }

    @Override
    public void startExecClock(Duration limit, Runnable onTimeout) {
        if (limit.isZero() || over) {
            return;
        }
        onExecTimeout = onTimeout;
        execDeadline = System.nanoTime() + limit.toNanos();
        arm();
    }

    @Override
    public void stopExecClock() {
        execDeadline = NONE;
        onExecTimeout = null;
    }

    @Override
    public void onClientGone(Runnable action) {
        if (onClientGone == null) {
            onClientGone = new ArrayList<>(2);
        }
        onClientGone.add(action);
    }

    @Override
    public void whenDone(Runnable action) {
        if (whenDone == null) {
            whenDone = new ArrayList<>(2);
        }
        whenDone.add(action);
    }

    @Override
    public void ending() {
        if (holdsSlot) {
            holdsSlot = false;
            calls.inFlight().leave();
        }
    }

    @Override
    public void wroteAroundVertx(long bytes) {
        wroteAroundVertx = bytes;
    }

    /** Body bytes written: Vert.x's count and the mode's own. */
    long bytesWritten() {
        return ctx.response().bytesWritten() + wroteAroundVertx;
    }

    /** A reset of our own is not reported back by Vert.x (HTTP/1.1): the call is settled here. */
    @Override
    public void abort(String why) {
        HttpServerResponse response = ctx.response();
        reported = response.getStatusCode() + " aborted (" + why + ")";
        response.reset();
        ended(null);
    }

    @Override
    public Future<Void> answer(int status, String text, Map<String, String> headers) {
        HttpServerResponse response = ctx.response();
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                .putHeader("X-OpenFaaS-Internal", "of-watchdog")
                .putHeader("X-Duration-Seconds", durationSeconds());
        ending();
        headers.forEach((name, value) -> {
            // HTTP/2 has no Connection header (clients refuse an answer that has one)
            if (ctx.request().version() != HttpVersion.HTTP_2 || !name.equalsIgnoreCase("Connection")) {
                response.putHeader(name, value);
            }
        });
        return response.end(text + "\n");
    }

    /** The timer for the earliest deadline still ahead; kept when it is already set for that one. */
    private void arm() {
        long next = Math.min(Math.min(readDeadline, writeDeadline), execDeadline);
        if (next == timerDeadline && timer >= 0) {
            return;
        }
        if (timer >= 0) {
            ctx.vertx().cancelTimer(timer);
        }
        timerDeadline = next;
        long millis = Math.max(1, (next - System.nanoTime() + 999_999) / 1_000_000);
        timer = ctx.vertx().setTimer(millis, this::fired);
    }

    /**
     * read_timeout and write_timeout, as Go's http.Server applies them, count from the arrival: past either the
     * connection is closed, which the modes handle as a client gone (the function killed, the upstream call cut).
     */
    private void fired(long id) {
        timer = -1;
        timerDeadline = NONE;
        if (over) {
            return;
        }
        long now = System.nanoTime();
        if (now >= execDeadline) {
            Runnable timedOut = onExecTimeout;
            stopExecClock();
            timedOut.run();
        }
        HttpServerResponse response = ctx.response();
        if (over || response.ended() || response.closed()) {
            return;
        }
        if (now >= readDeadline && !ctx.request().isEnded()) {
            cut("read_timeout " + Durations.format(calls.readTimeout()) + " passed before the request body was read");
        } else if (now >= writeDeadline) {
            cut("write_timeout " + Durations.format(calls.writeTimeout()) + " passed before the response was written");
        } else {
            arm();
        }
    }

    private void cut(String why) {
        LOG.warnf("%s %s: %s; closing the connection", ctx.request().method().name(), ctx.request().uri(), why);
        ctx.request().connection().close();
    }

    /**
     * The one end of every call: answered whole, or the connection gone first. Whether the answer was ended is asked
     * of the response, not of {@code result}: on an HTTP/2 stream the close can be reported before the end.
     */
    private void ended(AsyncResult<Void> result) {
        if (over) {
            return;
        }
        over = true;
        if (timer >= 0) {
            ctx.vertx().cancelTimer(timer);
        }
        boolean answered = ctx.response().ended();
        if (!answered && onClientGone != null) {
            onClientGone.forEach(Runnable::run);
        }
        if (whenDone != null) {
            whenDone.forEach(Runnable::run);
        }
        ending();
        if (counted) {
            calls.settle(this, answered, System.nanoTime() - start);
        }
    }

    /** What the request log says of the answer. */
    String status(boolean answered) {
        if (reported != null) {
            return reported;
        }
        if (!answered) {
            return "client gone";
        }
        HttpServerResponse response = ctx.response();
        return reasonPhrase
                ? response.getStatusCode() + " " + response.getStatusMessage()
                : Integer.toString(response.getStatusCode());
    }
}
