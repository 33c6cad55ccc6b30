package dev.fwatchdog.mode;

import java.util.Map;

import dev.fwatchdog.mode.HeapBudget.Verdict;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body whole, for the modes that need it complete before the function starts (serializing,
 * http_buffer_req_body), within the call's share of the {@link HeapBudget}: a body the budget cannot hold gets a 413
 * (larger than all of it) or a 503 (other calls hold the rest) instead of the JVM running out of memory.
 */
final class WholeBody {

    private WholeBody() {
    }

    /** The body; or a failure, and the call has been answered (413, 503, or failed when it cannot be read). */
    static Future<Buffer> of(Call call, HeapBudget.Share share) {
        RoutingContext ctx = call.ctx();
        HttpServerRequest request = ctx.request();
        Promise<Buffer> whole = Promise.promise();
        if (declaredLength(request) > HeapBudget.LIMIT) {
            refuse(call, whole, Verdict.TOO_LARGE);
            return whole.future();
        }
        // The chunks as they came, not copied into one array: a growing array needs twice the room while it grows.
        CompositeByteBuf body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        request.handler(chunk -> {
            Verdict verdict = share.take(chunk.length());
            if (verdict == Verdict.TAKEN) {
                body.addComponent(true, chunk.getByteBuf());
            } else {
                request.handler(null);
                refuse(call, whole, verdict);
            }
        });
        request.exceptionHandler(whole::tryFail);
        request.endHandler(ended -> {
            if (!ctx.response().ended()) {
                whole.tryComplete(Buffer.buffer(body));
            }
        });
        // Quarkus hands routes a paused request: it is read only once resumed.
        request.resume();
        return whole.future().onFailure(failure -> {
            if (!ctx.response().ended()) {
                ctx.fail(failure);
            }
        });
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return length == null ? -1 : Long.parseLong(length);
        } catch (NumberFormatException unreadable) {
            return -1;
        }
    }

    /** 413 or 503, and the connection closed after it: the rest of the body is not worth reading. */
    private static void refuse(Call call, Promise<Buffer> whole, Verdict verdict) {
        String why = verdict == Verdict.TOO_LARGE
                ? "request body larger than " + HeapBudget.LIMIT + " bytes: this mode holds whole bodies in memory"
                        + " (half the heap); stream it instead, or give the watchdog a bigger heap"
                : "other calls' bodies fill the memory this mode may hold bodies in (" + HeapBudget.LIMIT
                        + " bytes); retry";
        Map<String, String> headers = verdict == Verdict.BUSY
                ? Map.of("Connection", "close", "Retry-After", "1")
                : Map.of("Connection", "close");
        call.answer(verdict == Verdict.TOO_LARGE ? 413 : 503, why, headers)
                .onComplete(sent -> call.ctx().request().connection().close());
        whole.tryFail(why);
    }
}
