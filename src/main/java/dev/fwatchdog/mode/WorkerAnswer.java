package dev.fwatchdog.mode;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 response read off an afterburn worker's stdout (WATCHDOG.md 4.6): the head, then the body framed by
 * Content-Length or chunked, handed on piece by piece as it is read. Whatever the worker wrote past its answer stays
 * unread here and shows as {@link #leftover()}: such a worker is out of step.
 */
final class WorkerAnswer {

    /** Not an HTTP/1.1 response, or one that cannot be framed: the worker is out of step. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** Takes the body's pieces; the array is reused after the call returns. */
    interface BodySink {
        /** {@code last}: the piece that completes a body framed by Content-Length. */
        void accept(byte[] bytes, int offset, int length, boolean last) throws IOException, InterruptedException;
    }

    /** contentLength: -1 when chunked, 0 for a status that has no body. */
    record Head(int status, String reason, List<String[]> headers, long contentLength, boolean chunked) {
    }

    private static final int MAX_HEAD = 1 << 20;

    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    /** {@code buffer}: where the answer is read into; nothing in it is kept from one answer to the next. */
    WorkerAnswer(InputStream in, byte[] buffer) {
        this.in = in;
        this.buffer = buffer;
    }

    /** The status line and headers. */
    Head head() throws IOException {
        String statusLine = line(MAX_HEAD);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.1 status line: " + printable(statusLine));
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException notANumber) {
            throw new ProtocolException("not an HTTP/1.1 status line: " + printable(statusLine));
        }
        if (status < 100 || status > 999) {
            throw new ProtocolException("status out of range: " + status);
        }
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        List<String[]> headers = new ArrayList<>();
        long contentLength = -1;
        boolean chunked = false;
        int headSize = statusLine.length();
        while (true) {
            String line = line(MAX_HEAD - headSize);
            headSize += line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
                throw new ProtocolException("not a header line: " + printable(line));
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = contentLength(value, contentLength);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
            }
            headers.add(new String[] {name, value});
        }
        if (!chunked && contentLength < 0 && hasBody(status)) {
            throw new ProtocolException("answer " + status + " has neither Content-Length nor chunked framing");
        }
        long bodyLength = !hasBody(status) ? 0 : chunked ? -1 : contentLength;
        return new Head(status, reason, headers, bodyLength, chunked && hasBody(status));
    }

    /** The body as {@code head} frames it, each piece to {@code sink}; trailers are read and dropped. */
    void body(Head head, BodySink sink) throws IOException, InterruptedException {
        if (head.chunked()) {
            long size;
            while ((size = chunkSize()) > 0) {
                copy(size, sink, false);
                if (!line(2).isEmpty()) {
                    throw new ProtocolException("chunk longer than its size");
                }
            }
            while (!line(MAX_HEAD).isEmpty()) {
                // trailers: nothing of them is passed on
            }
        } else if (head.contentLength() > 0) {
            copy(head.contentLength(), sink, true);
        }
    }

    /** Bytes read off the pipe and not part of the answer. */
    boolean leftover() {
        return position < limit;
    }

    private static boolean hasBody(int status) {
        return status >= 200 && status != 204 && status != 304;
    }

    private static long contentLength(String value, long earlier) throws ProtocolException {
        long length;
        try {
            length = Long.parseLong(value);
        } catch (NumberFormatException notANumber) {
            throw new ProtocolException("bad Content-Length: " + printable(value));
        }
        if (length < 0 || (earlier >= 0 && earlier != length)) {
            throw new ProtocolException("bad Content-Length: " + printable(value));
        }
        return length;
    }

    private long chunkSize() throws IOException {
        String line = line(1024);
        int extension = line.indexOf(';');
        String hex = (extension < 0 ? line : line.substring(0, extension)).trim();
        try {
            long size = Long.parseLong(hex, 16);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException notHex) {
            // falls through
        }
        throw new ProtocolException("bad chunk size: " + printable(line));
    }

    private void copy(long length, BodySink sink, boolean whole) throws IOException, InterruptedException {
        long left = length;
        while (left > 0) {
            if (position == limit) {
                fill();
            }
            int n = (int) Math.min(left, limit - position);
            left -= n;
            sink.accept(buffer, position, n, whole && left == 0);
            position += n;
        }
    }

    /** A line ended by CRLF (or a bare LF), without its end; at most {@code max} bytes. */
    private String line(int max) throws IOException {
        StringBuilder line = null;
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String piece = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    if (line == null) {
                        return piece;
                    }
                    line.append(piece);
                    int length = line.length();
                    return length > 0 && line.charAt(length - 1) == '\r' && end == i
                            ? line.substring(0, length - 1) : line.toString();
                }
            }
            if (line == null) {
                line = new StringBuilder();
            }
            line.append(new String(buffer, position, limit - position, StandardCharsets.ISO_8859_1));
            position = limit;
            if (line.length() > max) {
                throw new ProtocolException("line longer than " + max + " bytes");
            }
            fill();
        }
    }

    private void fill() throws IOException {
        int n = in.read(buffer);
        if (n < 0) {
            throw new EOFException("the worker closed its stdout");
        }
        position = 0;
        limit = n;
    }

    private static String printable(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
