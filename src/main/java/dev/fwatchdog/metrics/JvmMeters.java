package dev.fwatchdog.metrics;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The JVM's and the process's meters (jvm_*, process_*, system_*), the set Quarkus' jvm and system binders bind,
 * bound on a thread of their own a moment after start-up instead of during it: their JMX set-up was a large part of
 * the start (bench/RESULTS.md, start-up), and nothing waits for them. A scrape in the first second may miss them.
 * In a native image the meters that need reflection or GC notifications are left out.
 */
@ApplicationScoped
public class JvmMeters {

    private static final long DELAY_MILLIS = 1000;

    @Inject
    MeterRegistry registry;

    private final List<AutoCloseable> closeable = new ArrayList<>();

    void started(@Observes StartupEvent start) {
        Thread binding = new Thread(this::bindLater, "jvm-meters");
        binding.setDaemon(true);
        binding.start();
    }

    private void bindLater() {
        try {
            Thread.sleep(DELAY_MILLIS);
        } catch (InterruptedException stopping) {
            return;
        }
        List<MeterBinder> binders = new ArrayList<>(List.of(new ClassLoaderMetrics(), new JvmMemoryMetrics(),
                new JvmThreadMetrics(), new JVMInfoBinder(), new UptimeMetrics()));
        if (!ImageMode.current().isNativeImage()) {
            JvmGcMetrics gc = new JvmGcMetrics();
            JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
            synchronized (closeable) {
                closeable.add(gc);
                closeable.add(heapPressure);
            }
            binders.addAll(List.of(gc, heapPressure, new ProcessorMetrics(), new FileDescriptorMetrics()));
        }
        binders.forEach(binder -> binder.bindTo(registry));
    }

    @PreDestroy
    void close() throws Exception {
        synchronized (closeable) {
            for (AutoCloseable listener : closeable) {
                listener.close();
            }
        }
    }
}
