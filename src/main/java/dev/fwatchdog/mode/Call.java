package dev.fwatchdog.mode;

import java.time.Duration;
import java.util.Map;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/**
 * One function call as a mode sees it. The route makes it and owns what every call shares: its start, its one
 * deadline timer (read_timeout, write_timeout, exec_timeout), its in-flight slot, its metrics, its request log line
 * and the watchdog's own answers. A mode does its mode's work and reports what happened; it does not time, count or
 * log the call itself. Every method is for the event loop.
 */
public interface Call {

    RoutingContext ctx();

    /** The time since the call arrived, as X-Duration-Seconds gives it. */
    String durationSeconds();

    /** exec_timeout for this call, from now: when it passes {@code onTimeout} runs (once), unless stopped first. */
    void startExecClock(Duration limit, Runnable onTimeout);

    /** The call's function work is over, or may last (an event stream): no exec_timeout from here on. */
    void stopExecClock();

    /** Runs {@code action} if the client goes away before the answer has been sent whole. */
    void onClientGone(Runnable action);

    /** Runs {@code action} once the call is over, however it ended. */
    void whenDone(Runnable action);

    /**
     * The answer's last bytes are about to be written: the call's max_inflight place is free from here, so that a
     * client that sends its next call as soon as it has read this answer finds it free (as of-watchdog does).
     */
    void ending();

    /** Body bytes the mode wrote to the connection itself, around Vert.x, for the request log. */
    void wroteAroundVertx(long bytes);

    /**
     * Breaks off an answer whose head has gone out (the connection or stream reset, so the client sees an error, not
     * a short success), and ends the call: the request log says "200 aborted (exit status 2)" for {@code why} "exit
     * status 2".
     */
    void abort(String why);

    /**
     * The watchdog's own answer, as plain text with {@code X-OpenFaaS-Internal: of-watchdog} and X-Duration-Seconds;
     * {@code headers} are added (or replace those). Completes once the answer is written.
     */
    Future<Void> answer(int status, String text, Map<String, String> headers);

    default Future<Void> answer(int status, String text) {
        return answer(status, text, Map.of());
    }
}
