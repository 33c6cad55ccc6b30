package dev.fwatchdog.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;


/**
 * Copies a function's stdout or stderr into the watchdog's, line by line. A line longer than log_buffer_size is
 * forwarded in pieces of that size, so a function that never writes a newline neither stalls on a full pipe nor
 * grows our heap.
 */
public final class LogPump {

    /** How much of a stream is read at once. */
    static final int CHUNK = 8192;

    private final PrintStream out;
    private final String label;
    private final boolean prefix;
    private final int maxLine;

    /**
     * @param label   {@code stdout} or {@code stderr}, shown in the prefix
     * @param prefix  prefix_logs: date, time and label before each line
     * @param maxLine log_buffer_size; {@code -1}: lines of any length
     */
    public LogPump(PrintStream out, String label, boolean prefix, int maxLine) {
        this.out = out;
        this.label = label;
        this.prefix = prefix;
        this.maxLine = maxLine;
    }

    /** Forwards until end of stream, and closes it; the last line is forwarded even without a newline. */
    public void pump(InputStream in) {
        pump(in, lines());
    }

    /** Forwards the rest of a stream whose beginning went to {@code lines}, and closes it. */
    void pump(InputStream in, Lines lines) {
        byte[] chunk = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                lines.accept(chunk, n);
            }
        } catch (IOException closed) {
            // the process is gone: forward what we have
        }
        lines.end();
    }

    /** The lines of one stream, for a reader that reads it piece by piece itself. */
    Lines lines() {
        return new Lines();
    }

    /** One stream's line being assembled. */
    final class Lines {

        private final LineBuffer line = new LineBuffer();
        /** A newline right after a split ends the line already forwarded: no empty line for it. */
        private boolean justSplit;

        void accept(byte[] chunk, int length) {
            for (int i = 0; i < length; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    if (!justSplit) {
                        emit(line);
                    }
                    justSplit = false;
                } else {
                    line.write(b);
                    justSplit = maxLine > 0 && line.size() >= maxLine;
                    if (justSplit) {
                        emit(line);
                    }
                }
            }
        }

        /** The stream has ended. */
        void end() {
            if (line.size() > 0) {
                emit(line);
            }
        }
    }

    private void emit(LineBuffer line) {
        String text = line.text();
        line.reset();
        out.println(prefix ? LogTime.prefix() + label + ": " + text : text);
    }

    private static final class LineBuffer extends java.io.ByteArrayOutputStream {
        String text() {
            int end = count > 0 && buf[count - 1] == '\r' ? count - 1 : count;
            return new String(buf, 0, end, StandardCharsets.UTF_8);
        }
    }
}
