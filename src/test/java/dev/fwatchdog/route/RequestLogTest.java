package dev.fwatchdog.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RequestLogTest {

    /** go-units' HumanSize, as of-watchdog logs sizes: decimal units, four significant digits. */
    @Test
    void sizesReadAsOfWatchdogWritesThem() {
        assertEquals("0B", RequestLog.size(0));
        assertEquals("999B", RequestLog.size(999));
        assertEquals("1kB", RequestLog.size(1000));
        assertEquals("1.5kB", RequestLog.size(1500));
        assertEquals("1.234kB", RequestLog.size(1234));
        assertEquals("12.35MB", RequestLog.size(12_345_678));
        assertEquals("100MB", RequestLog.size(100_000_000));
        assertEquals("1.074GB", RequestLog.size(1L << 30));
        assertEquals("1.005kB", RequestLog.size(1005));
        assertEquals("1.05kB", RequestLog.size(1050));
        assertEquals("10.01kB", RequestLog.size(10_010));
    }
}
