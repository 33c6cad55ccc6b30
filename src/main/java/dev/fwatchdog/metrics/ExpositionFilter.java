package dev.fwatchdog.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Keeps /metrics clean for strict parsers ({@code promtool check metrics}). Some of Micrometer's JVM meters have
 * quotes in their descriptions, which the Prometheus client escapes in a way the text format does not allow; two
 * more have names the Prometheus linter rejects.
 */
public class ExpositionFilter {

    @Produces
    @Singleton
    MeterFilter dropBadlyNamed() {
        return MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count"));
    }

    @Produces
    @Singleton
    MeterFilter unquoteDescriptions() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                if (description == null || description.indexOf('"') < 0) {
                    return id;
                }
                return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(),
                        description.replace('"', '\''), id.getType());
            }
        };
    }
}
