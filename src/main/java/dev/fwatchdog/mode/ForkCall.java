package dev.fwatchdog.mode;

import java.util.Map;

import dev.fwatchdog.process.CgiEnvironment;
import dev.fwatchdog.process.FunctionRun;
import dev.fwatchdog.process.FunctionRuns;
import io.vertx.core.Context;

/**
 * One call of a fork mode (serializing, streaming): the route's {@link Call}, the run of the function for it, the
 * request's environment and the event loop the call lives on. A client that goes away kills the run.
 */
final class ForkCall {

    final Call call;
    final FunctionRun run;
    final Map<String, String> environment;
    final Context context;
    private final FunctionRuns runs;

    ForkCall(Call call, FunctionRuns runs) {
        this.call = call;
        this.runs = runs;
        this.run = runs.prepare();
        this.environment = CgiEnvironment.of(call.ctx().request());
        this.context = call.ctx().vertx().getOrCreateContext();
        call.onClientGone(run::abort);
    }

    /**
     * The call's blocking work on a process I/O thread, with exec_timeout counting from now; a 503 when every thread
     * is busy.
     */
    void execute(Runnable work) {
        call.startExecClock(runs.execTimeout(), run::abort);
        if (!runs.admit(work)) {
            call.stopExecClock();
            call.answer(503, "too many function calls at once: every process I/O thread is busy");
        }
    }

    /** Back on the call's event loop (from a process I/O thread). */
    void onEventLoop(Runnable work) {
        context.runOnContext(back -> work.run());
    }
}
