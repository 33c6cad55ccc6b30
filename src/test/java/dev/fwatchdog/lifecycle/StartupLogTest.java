package dev.fwatchdog.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StartupLogTest {

    /** fprocess is written as Go's %q writes it in of-watchdog's start-up line. */
    @Test
    void quotesAsGoDoes() {
        assertEquals("\"node index.js\"", StartupLog.goQuoted("node index.js"));
        assertEquals("\"say \\\"hi\\\" \\\\ bye\"", StartupLog.goQuoted("say \"hi\" \\ bye"));
        assertEquals("\"a\\tb\\nc\\x00\\x1b\"", StartupLog.goQuoted("a\tb\nc\u0000\u001b"));
        assertEquals("\"café\"", StartupLog.goQuoted("café"));
    }
}
