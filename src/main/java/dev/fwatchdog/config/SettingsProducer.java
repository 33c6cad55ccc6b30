package dev.fwatchdog.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Parses the settings once; the first bean that needs them fails the start-up if one is invalid. */
public class SettingsProducer {

    @Produces
    @Singleton
    Settings settings(WatchdogConfig raw) {
        return Settings.of(raw);
    }
}
