package dev.fwatchdog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "10, PT10S",
            "0, PT0S",
            "500ms, PT0.5S",
            "10s, PT10S",
            "1m30s, PT1M30S",
            "2h, PT2H",
            "1.5s, PT1.5S",
            "1h2m3s4ms, PT1H2M3.004S",
            "250us, PT0.00025S",
            "' 5s ', PT5S",
    })
    void parsesSecondsAndGoDurations(String text, String expected) {
        assertEquals(Duration.parse(expected), Durations.parse("exec_timeout", text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "1.5", "-1s", "-5", "abc", "10x", "s", "1 s", "10S", "" })
    void rejectsAnythingElseNamingTheVariable(String text) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> Durations.parse("exec_timeout", text));
        assertEquals("invalid exec_timeout \"" + text + "\": want a duration like 10s or a number of seconds", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "PT30S, 30s",
            "PT0S, 0s",
            "PT1M30S, 1m30s",
            "PT2H, 2h0m0s",
            "PT0.5S, 500ms",
            "PT1.5S, 1.5s",
            "PT10M, 10m0s",
    })
    void formatsAsGoDoes(String duration, String expected) {
        assertEquals(expected, Durations.format(Duration.parse(duration)));
    }
}
