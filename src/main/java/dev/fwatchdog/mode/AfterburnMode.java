package dev.fwatchdog.mode;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.process.ProcessIo;
import dev.fwatchdog.process.WorkerPool;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * afterburn: every call handed, as HTTP/1.1 over stdin and stdout, to one of a pool of warm function processes
 * (WATCHDOG.md 4.6): no fork per call, the function's connections and caches kept between calls.
 */
@Singleton
@LookupIfProperty(name = "watchdog.mode", stringValue = "afterburn")
public class AfterburnMode implements FunctionMode {

    @Inject
    Settings settings;

    @Inject
    WorkerPool pool;

    @Inject
    ProcessIo io;

    @Inject
    HeapBudget budget;

    @Override
    public void handle(Call call) {
        new AfterburnCall(call, pool, io).start(ExecLimit.of(settings.execTimeout(), call.ctx().request()),
                budget.share(call));
    }
}
