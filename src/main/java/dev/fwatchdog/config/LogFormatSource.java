package dev.fwatchdog.config;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * {@code log_format=json} switches Quarkus' JSON console formatter on. A config source rather than an expression in
 * application.properties, because the setting is a word (text or json) and Quarkus wants a boolean. Any other value
 * leaves text on and is refused by {@link Settings} with the usual one line.
 */
public class LogFormatSource implements ConfigSource {

    static final String JSON_ENABLED = "quarkus.log.console.json.enabled";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(JSON_ENABLED);
    }

    @Override
    public String getValue(String name) {
        return JSON_ENABLED.equals(name) ? Boolean.toString("json".equals(System.getenv("log_format"))) : null;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(JSON_ENABLED, getValue(JSON_ENABLED));
    }

    @Override
    public String getName() {
        return "log_format";
    }

    /** Above application.properties (250), below -D (400) and the environment (300). */
    @Override
    public int getOrdinal() {
        return 275;
    }
}
