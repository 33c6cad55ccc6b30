package dev.fwatchdog.mode;

/**
 * How a function call is served. One implementation per {@code mode}, each selected by
 * {@code @LookupIfProperty(name = "watchdog.mode", ...)}, so one build serves every mode.
 */
public interface FunctionMode {

    /** Answers the call. Runs on the event loop: blocking work goes elsewhere. */
    void handle(Call call);

    /**
     * Whether the request log gives the status with its reason phrase, "200 OK", as of-watchdog's http mode does, or
     * as its fork modes do, "200".
     */
    default boolean logsReasonPhrase() {
        return true;
    }
}
