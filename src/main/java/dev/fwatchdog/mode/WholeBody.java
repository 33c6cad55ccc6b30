package dev.fwatchdog.mode;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Reads a request body whole, for the modes that need it complete before the function starts. */
final class WholeBody {

    private WholeBody() {
    }

    /** The body, or the call failed (and answered) if it cannot be read. */
    static Future<Buffer> of(RoutingContext ctx) {
        Future<Buffer> body = ctx.request().body();
        // Quarkus hands routes a paused request; body() reads it only once resumed.
        ctx.request().resume();
        return body.onFailure(ctx::fail);
    }
}
