package dev.fwatchdog.route;

import dev.fwatchdog.config.Durations;
import dev.fwatchdog.config.Settings;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * read_timeout and write_timeout, as Go's http.Server applies them: the request body must be read within read_timeout
 * and the response written within write_timeout, both counted from the moment the request arrives; past either, the
 * connection is closed. Closing is what the modes already handle as a client that went away (the function is killed,
 * the upstream call cancelled), so nothing is left running. One timer per call, re-armed for the later deadline.
 */
@ApplicationScoped
public class CallDeadlines {

    private static final Logger LOG = Logger.getLogger(CallDeadlines.class);

    @Inject
    Settings settings;

    public void arm(RoutingContext ctx) {
        long start = System.nanoTime();
        long read = settings.readTimeout().toMillis();
        long write = settings.writeTimeout().toMillis();
        long first = read > 0 ? Math.min(read, write) : write;
        long timer = ctx.vertx().setTimer(first, fired -> check(ctx, start, read, write));
        ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
    }

    private void check(RoutingContext ctx, long start, long read, long write) {
        HttpServerRequest request = ctx.request();
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (read > 0 && elapsed >= read && !request.isEnded()) {
            cut(ctx, "read_timeout " + Durations.format(settings.readTimeout()) + " passed before the request body was read");
        } else if (elapsed >= write) {
            cut(ctx, "write_timeout " + Durations.format(settings.writeTimeout()) + " passed before the response was written");
        } else {
            long timer = ctx.vertx().setTimer(Math.max(1, write - elapsed), fired -> check(ctx, start, read, write));
            ctx.addEndHandler(ended -> ctx.vertx().cancelTimer(timer));
        }
    }

    private static void cut(RoutingContext ctx, String why) {
        LOG.warnf("%s %s: %s; closing the connection", ctx.request().method().name(), ctx.request().uri(), why);
        ctx.request().connection().close();
    }
}
