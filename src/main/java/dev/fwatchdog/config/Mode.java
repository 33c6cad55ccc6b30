package dev.fwatchdog.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The ways the watchdog can run a function; the names are the values of the {@code mode} variable. */
public enum Mode {
    HTTP,
    SERIALIZING,
    STREAMING,
    STATIC,
    AFTERBURN;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Exact, lower-case names only: {@code HTTP} is refused as of-watchdog refuses it. */
    public static Mode parse(String value) {
        for (Mode mode : values()) {
            if (mode.value().equals(value)) {
                return mode;
            }
        }
        throw InvalidSettingException.of("mode", value, "one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(Mode::value).collect(Collectors.joining(", "));
    }
}
