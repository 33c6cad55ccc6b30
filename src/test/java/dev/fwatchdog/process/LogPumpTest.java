package dev.fwatchdog.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogPumpTest {

    private static List<String> pump(String input, boolean prefix, int maxLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LogPump(new PrintStream(out, true, StandardCharsets.UTF_8), "stderr", prefix, maxLine)
                .pump(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void linesKeepTheirTextWithoutPrefix() {
        assertEquals(List.of("{\"level\":\"info\"}", "second", "last without newline"),
                pump("{\"level\":\"info\"}\nsecond\r\nlast without newline", false, 65536));
    }

    @Test
    void prefixedLinesCarryDateTimeAndStream() {
        List<String> lines = pump("hello\n", true, 65536);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).matches("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d stderr: hello"), lines.get(0));
    }

    @Test
    void longLinesAreSplitAtTheLimitAndForwardingGoesOn() {
        assertEquals(List.of("abcd", "efgh", "ij", "next"), pump("abcdefghij\nnext\n", false, 4));
    }

    @Test
    void minusOneMeansLinesOfAnyLength() {
        String longLine = "x".repeat(200_000);
        assertEquals(List.of(longLine, "after"), pump(longLine + "\nafter\n", false, -1));
    }

    @Test
    void aFunctionThatNeverWritesANewlineNeitherStallsNorGrowsTheHeap() {
        List<String> lines = pump("y".repeat(10 * 65536 + 5), false, 65536);
        assertEquals(11, lines.size());
        assertEquals(65536, lines.get(0).length());
        assertEquals(5, lines.get(10).length());
    }
}
