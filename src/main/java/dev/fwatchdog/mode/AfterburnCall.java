package dev.fwatchdog.mode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.fwatchdog.process.CgiEnvironment;
import dev.fwatchdog.process.ProcessIo;
import dev.fwatchdog.process.Worker;
import dev.fwatchdog.process.WorkerPool;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * One afterburn call (WATCHDOG.md 4.6): the body read whole, a worker waited for, the request written to it and its
 * answer streamed back. Its state changes on the call's event loop, but for the step from waiting to working, which a
 * worker released on a process I/O thread takes there; the exchange with the worker runs on a process I/O
 * thread. One deadline, exec_timeout from the arrival, covers the wait and the worker's time.
 */
final class AfterburnCall {

    private enum State { READING, WAITING, WORKING, DONE }

    private final Call call;
    private final WorkerPool pool;
    private final ProcessIo io;
    private final Context context;
    private final boolean headRequest;
    private final AtomicReference<State> state = new AtomicReference<>(State.READING);
    private WorkerPool.Waiting waiting;
    private long deadline;
    private volatile Worker worker;
    private volatile ResponseOutput output;
    /** Written by the I/O thread before the first byte of the answer goes out. */
    private volatile WorkerAnswer.Head head;
    /**
     * The piece that completes a body framed by Content-Length, sent with the end of the response: sent apart, the
     * client could have the whole answer, and hang up, before the response is ended.
     */
    private volatile Buffer lastPiece;
    /**
     * Set once, by whichever comes first: the exchange ending, or the call stopping the worker (exec_timeout), so
     * that a worker already handed back to the pool is never killed for this call.
     */
    private final AtomicBoolean workerSettled = new AtomicBoolean();

    AfterburnCall(Call call, WorkerPool pool, ProcessIo io) {
        this.call = call;
        this.pool = pool;
        this.io = io;
        this.context = call.ctx().vertx().getOrCreateContext();
        this.headRequest = call.ctx().request().method() == HttpMethod.HEAD;
    }

    void start(Duration limit, HeapBudget.Share share) {
        deadline = limit.isZero() ? 0 : System.nanoTime() + limit.toNanos();
        call.startExecClock(limit, this::timedOut);
        call.onClientGone(this::clientGone);
        WholeBody.of(call, share).onSuccess(body -> {
            if (state.get() != State.READING) {
                return;
            }
            byte[] message = request(call.ctx().request(), body);
            state.set(State.WAITING);
            // A worker freed later is handed over on a process I/O thread, where its exchange then runs.
            waiting = pool.acquire(io, lent -> lent(lent, message));
        });
    }

    /**
     * The request as the worker reads it: the client's headers in canonical form without the hop-by-hop ones, Host
     * kept, the body with its Content-Length; one array, written at once (the Node client library parses whatever
     * one read returns).
     */
    static byte[] request(HttpServerRequest request, Buffer body) {
        StringBuilder head = new StringBuilder(256).append(request.method().name()).append(' ')
                .append(request.uri()).append(" HTTP/1.1\r\n");
        MultiMap headers = request.headers();
        if (!headers.contains(HttpHeaders.HOST) && request.authority() != null) {
            // HTTP/2 carries it as :authority
            head.append("Host: ").append(request.authority()).append("\r\n");
        }
        ProxyHeaders.copy(headers, (name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length")) {
                head.append(CgiEnvironment.canonicalHeader(name)).append(": ").append(value).append("\r\n");
            }
        });
        head.append("Content-Length: ").append(body.length()).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] message = Arrays.copyOf(headBytes, headBytes.length + body.length());
        body.getBytes(0, body.length(), message, headBytes.length);
        return message;
    }

    /**
     * A worker for this call, which may have ended meanwhile: on the event loop when one was free at once, else on
     * the process I/O thread that hands it over.
     */
    private void lent(Worker lent, byte[] message) {
        worker = lent;
        output = new ResponseOutput(context, call.ctx().response(), this::writeHead);
        if (!state.compareAndSet(State.WAITING, State.WORKING)) {
            pool.release(lent);
            return;
        }
        if (!Context.isOnEventLoopThread()) {
            exchange(lent, message);
        } else if (!io.admit(() -> exchange(lent, message))) {
            state.set(State.DONE);
            pool.release(lent);
            call.stopExecClock();
            call.answer(503, "too many function calls at once: every process I/O thread is busy");
        }
    }

    /** On a process I/O thread: the request written, the answer read whole (and passed on while the client is there). */
    private void exchange(Worker lent, byte[] message) {
        String failure = null;
        boolean inStep = false;
        try {
            OutputStream stdin = lent.stdin();
            stdin.write(message);
            stdin.flush();
            WorkerAnswer answer = new WorkerAnswer(lent.stdout(), lent.readBuffer());
            head = answer.head();
            answer.body(head, (bytes, offset, length, last) -> {
                if (headRequest) {
                    return;
                }
                Buffer piece = Buffer.buffer(length).appendBytes(bytes, offset, length);
                if (last) {
                    lastPiece = piece;
                } else {
                    output.write(piece);
                }
            });
            // Output past the answer is the worker's mess, not this call's: the worker goes, the answer stands.
            inStep = !answer.leftover();
        } catch (IOException broken) {
            failure = broken.getMessage();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            failure = "the watchdog is stopping";
        }
        boolean stopped = !workerSettled.compareAndSet(false, true);
        if (inStep && !stopped) {
            pool.release(lent);
        } else {
            pool.discard(lent, stopped ? "exec_timeout passed" : failure != null ? failure
                    : "output past the end of its answer");
        }
        String why = failure;
        context.runOnContext(back -> finish(why, stopped));
    }

    /** Kills the worker unless its exchange has ended: true when it was killed for this call. */
    private boolean stopWorker() {
        if (workerSettled.compareAndSet(false, true)) {
            worker.kill();
            return true;
        }
        return false;
    }

    /** The worker's status and headers (without hop-by-hop ones), and X-Duration-Seconds. */
    private void writeHead(HttpServerResponse response) {
        WorkerAnswer.Head answer = head;
        ProxyHeaders.status(response, answer.status(), answer.reason());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        answer.headers().forEach(header -> headers.add(header[0], header[1]));
        if (answer.chunked()) {
            headers.remove(HttpHeaders.CONTENT_LENGTH);
            response.setChunked(true);
        }
        Set<String> dropped = ProxyHeaders.hopByHop(headers);
        headers.forEach(header -> {
            if (!dropped.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(header.getKey(), header.getValue());
            }
        });
        response.putHeader("X-Duration-Seconds", call.durationSeconds());
    }

    /** On the event loop, once the worker's part is over. */
    private void finish(String failure, boolean timedOut) {
        state.set(State.DONE);
        call.stopExecClock();
        HttpServerResponse response = call.ctx().response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (timedOut) {
            answerTimeout();
        } else if (failure == null) {
            call.ending();
            output.begin();
            if (lastPiece == null) {
                response.end();
            } else {
                response.end(lastPiece);
            }
        } else if (!output.started()) {
            call.answer(502, "afterburn worker " + worker.slot() + " failed: " + failure);
        } else {
            call.abort(failure);
        }
    }

    /** On the event loop: exec_timeout passed, waiting or working. */
    private void timedOut() {
        switch (state.get()) {
            case READING -> {
                state.set(State.DONE);
                answerTimeout();
            }
            case WAITING -> {
                if (!state.compareAndSet(State.WAITING, State.DONE)) {
                    // the worker came just now: it works against the clock like any other
                    stopWorker();
                    return;
                }
                // false: a worker is on its way, and lent() gives it back
                pool.cancel(waiting);
                answerTimeout();
            }
            case WORKING -> {
                // The exchange then ends, and finish() answers; an exchange already over is answered as it ended.
                stopWorker();
            }
            case DONE -> {
            }
        }
    }

    private void answerTimeout() {
        HttpServerResponse response = call.ctx().response();
        if (output != null && output.started()) {
            call.abort("exec_timeout");
        } else {
            call.answer(504, "afterburn worker did not answer within " + call.durationSeconds() + "s");
        }
    }

    /** On the event loop. A worker still answering finishes its answer, unread, within the call's deadline. */
    private void clientGone() {
        switch (state.get()) {
            case READING -> state.set(State.DONE);
            case WAITING -> {
                if (state.compareAndSet(State.WAITING, State.DONE)) {
                    pool.cancel(waiting);
                    return;
                }
                clientGoneWhileWorking();
            }
            case WORKING -> clientGoneWhileWorking();
            case DONE -> {
            }
        }
    }

    private void clientGoneWhileWorking() {
        output.clientGone();
        if (deadline != 0) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            call.ctx().vertx().setTimer(left, fired -> stopWorker());
        }
    }
}
