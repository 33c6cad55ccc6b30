package dev.fwatchdog.process;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The "2024/04/25 17:29:06 " prefix of of-watchdog's log lines, for lines written outside the logger. */
public final class LogTime {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss ");

    private LogTime() {
    }

    public static String prefix() {
        return FORMAT.format(LocalDateTime.now());
    }
}
