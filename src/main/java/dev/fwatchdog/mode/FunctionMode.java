package dev.fwatchdog.mode;

import io.vertx.ext.web.RoutingContext;

/**
 * How a function call is served. One implementation per {@code mode}, each selected by
 * {@code @LookupIfProperty(name = "watchdog.mode", ...)}, so one build serves every mode.
 */
public interface FunctionMode {

    /** Answers the call. Runs on the event loop: blocking work goes elsewhere. */
    void handle(RoutingContext ctx);
}
