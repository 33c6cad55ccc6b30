package dev.fwatchdog.mode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.buffer.Buffer;

/**
 * Static mode's small files, kept in memory. For a file of a few KiB, opening, sendfile-ing and closing it costs
 * more than the bytes: three system calls a call, expensive in sandboxed kernels (bench/RESULTS.md, static mode).
 * A file is read again when its size or modification time changes (the caller stats it on every call anyway), so an
 * edited file is never served stale. Files above {@link #MAX_FILE_BYTES}, or beyond the total budget, are not kept.
 */
final class SmallFiles {

    static final int MAX_FILE_BYTES = 64 * 1024;
    /** A small share of the small heaps a function container runs with. */
    static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;

    /** A kept file: its bytes and the modification time they were read at. */
    record Kept(Buffer bytes, long modified) {
    }

    private final Map<Path, Kept> kept = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final long budget;

    SmallFiles() {
        this(MAX_TOTAL_BYTES);
    }

    SmallFiles(long budget) {
        this.budget = budget;
    }

    /**
     * The file's bytes as they are now, or null when it is not kept (too big, over budget, unreadable). Reads the
     * file on first use and after a change, on the caller's thread: at most {@link #MAX_FILE_BYTES}, once.
     */
    Buffer bytes(Path file, BasicFileAttributes attributes) {
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().toMillis();
        Kept current = kept.get(file);
        if (current != null && current.bytes().length() == size && current.modified() == modified) {
            return current.bytes();
        }
        if (size > MAX_FILE_BYTES) {
            return null;
        }
        long previous = current == null ? 0 : current.bytes().length();
        if (total.get() - previous + size > budget) {
            return null;
        }
        byte[] read;
        try {
            read = Files.readAllBytes(file);
        } catch (IOException unreadable) {
            return null;
        }
        if (read.length != size) {
            // changed while we read it: serve it from disk this time
            return null;
        }
        Kept fresh = new Kept(Buffer.buffer(read), modified);
        Kept replaced = kept.put(file, fresh);
        total.addAndGet(size - (replaced == null ? 0 : replaced.bytes().length()));
        return fresh.bytes();
    }
}
