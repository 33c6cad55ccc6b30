package dev.fwatchdog.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both ways a fork-mode function is started, against real processes: posix_spawn (what fork modes use on this
 * machine) and the JDK (a native image, musl, and the http-mode function server). They must behave alike.
 */
class FunctionProcessTest {

    static Stream<BiFunction<List<String>, Map<String, String>, FunctionProcess>> starts() {
        return Stream.of(NativeProcess::start, ChildProcess::start);
    }

    @Test
    void forkModesSpawnWithPosixSpawnOnLinuxWithGlibc() {
        assertTrue(LibC.AVAILABLE, "the FFM API could not bind posix_spawn: fork modes would take the JDK's slower path");
    }

    @ParameterizedTest
    @MethodSource("starts")
    void pipesEnvironmentAndExitCode(BiFunction<List<String>, Map<String, String>, FunctionProcess> start)
            throws IOException {
        FunctionProcess process = start.apply(List.of("sh", "-c", "cat; echo \"$Http_X\" >&2; exit 3"),
                Map.of("Http_X", "from the request"));
        try (OutputStream stdin = process.stdin()) {
            stdin.write("body".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("body", read(process.stdout()));
        assertEquals("from the request\n", read(process.stderr()));
        assertEquals(3, process.waitFor());
        assertEquals(3, process.waitFor(), "the exit code is kept once reaped");
    }

    @ParameterizedTest
    @MethodSource("starts")
    void theRequestsVariablesComeOnTopOfTheWatchdogsEnvironment(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws IOException {
        FunctionProcess process = shWithoutInput(start, "echo \"$HOME\"; env | grep -c ^HOME=; echo \"$PATH\"",
                Map.of("HOME", "/from/the/request"));
        assertEquals("/from/the/request\n1\n" + System.getenv("PATH") + "\n", read(process.stdout()));
        assertEquals(0, process.waitFor());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aFunctionStartsWithDefaultSignalHandlingAndTheNameItWasGiven(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws IOException {
        // the JVM catches many signals; the function must catch none, and ignore what the watchdog ignores
        FunctionProcess process = shWithoutInput(start, "echo $0; exec cat /proc/self/status", Map.of());
        List<String> status = read(process.stdout()).lines().toList();
        assertEquals("sh", status.get(0), "argv[0] is the name in fprocess, whatever path it was found at");
        assertEquals("SigCgt:\t0000000000000000", field(status, "SigCgt:"));
        // glibc's own signals (32 and 33) are ignored in any child it starts
        assertEquals(ignored(Files.readAllLines(Path.of("/proc/self/status"))) | 0x180000000L, ignored(status));
        assertEquals(0, process.waitFor());
    }

    @Test
    void aFunctionLeadsAProcessGroupOfItsOwn() throws IOException {
        // the fifth field of /proc/PID/stat is the process group
        FunctionProcess process = shWithoutInput(NativeProcess::start,
                "read -r pid comm state ppid group rest < /proc/$$/stat; echo $$ $group", Map.of());
        String[] pidAndGroup = read(process.stdout()).trim().split(" ");
        assertEquals(pidAndGroup[0], pidAndGroup[1], "the function's process group is its own pid");
        assertEquals(0, process.waitFor());
    }

    @Test
    void stdinWidensOnceItHasCarriedAStream() throws Exception {
        // head reads the first MiB and no more: what follows fits only into a pipe wider than its first 64 KiB
        FunctionProcess process = NativeProcess.start(List.of("sh", "-c", "head -c 1048576 >/dev/null; exec sleep 30"),
                Map.of());
        try {
            byte[] piece = new byte[64 * 1024];
            OutputStream stdin = process.stdin();
            for (int i = 0; i < 16; i++) {
                stdin.write(piece);
            }
            CompletableFuture<Void> beyond = CompletableFuture.runAsync(() -> {
                try {
                    stdin.write(new byte[200 * 1024]);
                } catch (IOException closedByTheKill) {
                    throw new UncheckedIOException(closedByTheKill);
                }
            });
            beyond.get(10, TimeUnit.SECONDS);
        } finally {
            process.kill();
            process.waitFor();
            process.stdin().close();
            process.stdout().close();
            process.stderr().close();
        }
    }

    @Test
    void stdoutWidensOnceItHasCarriedAStream() throws Exception {
        // the second write fits only into a pipe wider than 64 KiB, as nothing reads it
        FunctionProcess process = shWithoutInput(NativeProcess::start,
                "head -c 1048576 /dev/zero; head -c 204800 /dev/zero; echo written >&2; exec sleep 30", Map.of());
        try {
            assertEquals(1024 * 1024, process.stdout().readNBytes(1024 * 1024).length);
            InputStream stderr = process.stderr();
            assertEquals("written", CompletableFuture.supplyAsync(() -> {
                try {
                    return firstLine(stderr);
                } catch (IOException closedByTheKill) {
                    throw new UncheckedIOException(closedByTheKill);
                }
            }).get(10, TimeUnit.SECONDS));
        } finally {
            process.kill();
            process.waitFor();
            process.stdout().close();
            process.stderr().close();
        }
    }

    @ParameterizedTest
    @MethodSource("starts")
    void theChildInheritsNoDescriptorButItsPipes(BiFunction<List<String>, Map<String, String>, FunctionProcess> start)
            throws IOException {
        FunctionProcess process = start.apply(List.of("ls", "/proc/self/fd"), Map.of());
        process.stdin().close();
        // ls lists its own directory handle too: 0, 1, 2 and that one
        assertEquals(List.of("0", "1", "2", "3"), read(process.stdout()).lines().sorted().toList());
        assertEquals(0, process.waitFor());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void killEndsTheProcessAndWhatItStarted(BiFunction<List<String>, Map<String, String>, FunctionProcess> start)
            throws Exception {
        FunctionProcess process = start.apply(List.of("sh", "-c", "sleep 300 & echo $!; wait"), Map.of());
        long grandchild = Long.parseLong(firstLine(process.stdout()));
        process.kill();
        assertEquals(128 + 9, process.waitFor(), "SIGKILL");
        for (int i = 0; i < 100 && ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false), "sleep outlived the kill");
        process.kill(); // reaped: signals nothing, whoever has the pid now
        process.stdout().close();
        process.stderr().close();
        process.stdin().close();
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aMissingProgramIsNamedAsGoDoes(BiFunction<List<String>, Map<String, String>, FunctionProcess> start) {
        StartFailedException failed = assertThrows(StartFailedException.class,
                () -> start.apply(List.of("no-such-function"), Map.of()));
        assertTrue(failed.getMessage().startsWith("exec: \"no-such-function\": executable file not found in $PATH"),
                failed.getMessage());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void anEnvironmentTooBigForExecIsNamedAsGoDoes(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) {
        StartFailedException failed = assertThrows(StartFailedException.class,
                () -> start.apply(List.of("true"), Map.of("Http_Big", "x".repeat(200 * 1024))));
        assertEquals("fork/exec true: argument list too long", failed.getMessage());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void readOutputTakesStdoutAndForwardsStderrLines(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws Exception {
        // 200 KB of stderr before any stdout: more than a pipe holds, so stderr must be read while stdout is awaited
        FunctionProcess process = shWithoutInput(start,
                "i=0; while [ $i -lt 2000 ]; do echo \"err line $i padded to about a hundred bytes"
                        + " ..................................................\" >&2; i=$((i+1)); done;"
                        + " echo out; echo last err >&2; printf 'no newline'",
                Map.of());
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        process.readOutput(16, piece -> {
            while (piece.hasRemaining()) {
                stdout.write(piece.get());
            }
            return true;
        }, pumpInto(log), Runnable::run);
        assertEquals("out\nno newline", stdout.toString(StandardCharsets.UTF_8));
        assertEquals(0, process.waitFor());
        List<String> lines = log.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2001, lines.size());
        assertTrue(lines.get(1999).startsWith("err line 1999 padded"), lines.get(1999));
        assertEquals("last err", lines.get(2000));
    }

    @ParameterizedTest
    @MethodSource("starts")
    void stderrHeldOpenAfterStdoutEndsIsForwardedLater(
            BiFunction<List<String>, Map<String, String>, FunctionProcess> start) throws Exception {
        // stdout closes at once; a background process keeps stderr until the test lets it go on, then writes to it
        Path go = Files.createTempFile("go-on", "");
        Files.delete(go);
        FunctionProcess process = shWithoutInput(start, "echo early >&2; (while [ ! -e " + go
                + " ]; do sleep 0.02; done; echo late >&2) >/dev/null & exec >&-; wait", Map.of());
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ExecutorService io = Executors.newCachedThreadPool();
        try {
            // would never return if it waited for stderr to end
            CompletableFuture.runAsync(() -> {
                try {
                    process.readOutput(8192, piece -> true, pumpInto(log), io);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).get(10, TimeUnit.SECONDS);
            Files.createFile(go);
            process.waitFor();
            io.shutdown();
            assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
        } finally {
            io.shutdownNow();
            Files.deleteIfExists(go);
        }
        assertEquals(List.of("early", "late"), log.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @ParameterizedTest
    @MethodSource("starts")
    void aSinkThatTakesNoMoreStopsTheReading(BiFunction<List<String>, Map<String, String>, FunctionProcess> start)
            throws Exception {
        FunctionProcess process = shWithoutInput(start, "yes", Map.of());
        int[] chunks = {0};
        ExecutorService io = Executors.newCachedThreadPool();
        try {
            process.readOutput(4096, piece -> ++chunks[0] < 3, pumpInto(new ByteArrayOutputStream()), io);
            assertEquals(3, chunks[0]);
            process.kill();
            int exit = process.waitFor();
            // SIGKILL, or SIGPIPE if yes wrote to the stdout closed before the kill
            assertTrue(exit == 128 + 9 || exit == 128 + 13, "exit " + exit);
        } finally {
            io.shutdown();
        }
    }

    @Test
    void aThousandRunsLeaveNoDescriptorOrChildBehind() throws IOException {
        int before = openDescriptors();
        // children of apps that other tests started in this JVM (an http-mode function server) are not ours
        Set<Long> others = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        for (int i = 0; i < 1000; i++) {
            FunctionProcess process = NativeProcess.start(List.of("cat"), Map.of());
            try (OutputStream stdin = process.stdin()) {
                stdin.write('x');
            }
            assertEquals("x", read(process.stdout()));
            process.stderr().close();
            assertEquals(0, process.waitFor());
        }
        // other tests' streams may be closed by the GC meanwhile: fewer is fine, more is a leak
        assertTrue(openDescriptors() <= before, "descriptors grew from " + before + " to " + openDescriptors());
        assertEquals(List.of(), ProcessHandle.current().children().map(ProcessHandle::pid)
                .filter(pid -> !others.contains(pid)).toList());
    }

    /** {@code sh -c script}, its stdin closed at once: the function gets no input. */
    private static FunctionProcess shWithoutInput(BiFunction<List<String>, Map<String, String>, FunctionProcess> start,
            String script, Map<String, String> environment) throws IOException {
        FunctionProcess process = start.apply(List.of("sh", "-c", script), environment);
        process.stdin().close();
        return process;
    }

    private static long ignored(List<String> status) {
        return Long.parseUnsignedLong(field(status, "SigIgn:").substring("SigIgn:".length()).trim(), 16);
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(line -> line.startsWith(name)).findFirst().orElseThrow();
    }

    private static LogPump pumpInto(ByteArrayOutputStream log) {
        return new LogPump(new PrintStream(log, true, StandardCharsets.UTF_8), "stderr", false, -1);
    }

    private static int openDescriptors() {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    private static String read(InputStream stream) throws IOException {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(InputStream stream) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = stream.read(); c >= 0 && c != '\n'; c = stream.read()) {
            line.append((char) c);
        }
        return line.toString();
    }
}
