package dev.fwatchdog.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Processes the test functions report (their pids in a file), and whether they are still running. */
public final class Pids {

    private Pids() {
    }

    public static List<Long> read(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(Long::parseLong).toList();
    }

    /** Running, as opposed to gone or a zombie waiting for its parent. */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException gone) {
            return false;
        }
    }

    /** Waits until none of {@code pids} runs; fails naming those that still do. */
    public static void awaitAllEnded(List<Long> pids, Duration timeout) throws InterruptedException {
        awaitNone(pids, timeout, Pids::running, "still running: ");
    }

    /** Waits until none of {@code pids} is left, not even as a zombie: their parent has waited for them. */
    public static void awaitAllReaped(List<Long> pids, Duration timeout) throws InterruptedException {
        awaitNone(pids, timeout, pid -> Files.exists(Path.of("/proc", Long.toString(pid))), "not reaped: ");
    }

    private static void awaitNone(List<Long> pids, Duration timeout, Predicate<Long> left, String failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pids.stream().anyMatch(left)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure + pids.stream().filter(left).toList());
            }
            Thread.sleep(20);
        }
    }

    /** Waits until {@code file} holds {@code count} pids. */
    public static List<Long> await(Path file, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(file)) {
                List<Long> pids = read(file);
                if (pids.size() >= count) {
                    return pids;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " pids in " + file);
            }
            Thread.sleep(20);
        }
    }
}
