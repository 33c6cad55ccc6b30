package dev.fwatchdog.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A function process started through the JDK, without a shell, that can be killed with everything it started: the
 * function server of http mode, and fork-mode runs where {@link NativeProcess} is not available.
 */
public final class ChildProcess implements FunctionProcess {

    static {
        // JDK 17's default, posix_spawn, goes through the jspawnhelper program: two execs per call. vfork + exec is
        // one, and gives fork modes about 1.5x the calls per second here (bench/RESULTS.md). JDK 23 deprecated VFORK,
        // so newer JDKs keep their default; an explicit -Djdk.lang.Process.launchMechanism always wins.
        if (Runtime.version().feature() < 23 && System.getProperty("jdk.lang.Process.launchMechanism") == null) {
            System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
        }
    }

    private final Process process;

    private ChildProcess(Process process) {
        this.process = process;
    }

    /**
     * Starts {@code command} with the watchdog's environment plus {@code extraEnvironment}.
     *
     * @throws StartFailedException when the program cannot be run at all
     */
    public static ChildProcess start(List<String> command, Map<String, String> extraEnvironment) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(extraEnvironment);
        try {
            return new ChildProcess(builder.start());
        } catch (IOException e) {
            throw new StartFailedException(command.get(0), e);
        }
    }

    public Process process() {
        return process;
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    /** The JDK's streams block: stderr gets a thread of its own, stdout is read by this one. */
    @Override
    public void readOutput(int chunkSize, StdoutSink sink, LogPump log, Executor io) throws IOException,
            InterruptedException {
        InputStream errors = stderr();
        io.execute(() -> log.pump(errors));
        byte[] chunk = new byte[chunkSize];
        try (InputStream out = stdout()) {
            int n;
            while ((n = out.read(chunk)) > 0) {
                if (!sink.accept(chunk, n)) {
                    return;
                }
            }
        }
    }

    /**
     * The descendants are listed first (once the process is dead they are re-parented and lost to us), then the
     * process is killed, then they are: killed first, they could let it exit normally before its own kill. (The JDK
     * cannot start a process in a group of its own.)
     */
    @Override
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public int waitFor() {
        while (true) {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                kill();
            }
        }
    }

    /** The program of fprocess could not be started; the message reads as Go's exec errors in of-watchdog. */
    public static final class StartFailedException extends RuntimeException {
        StartFailedException(String program, IOException cause) {
            super(describe(program, cause), cause);
        }

        /**
         * The JDK says {@code Cannot run program "x": error=2, No such file or directory}. Only a missing program is
         * "not found": a request whose headers make the environment too big for exec (E2BIG, a value over 128 KiB)
         * is {@code fork/exec x: argument list too long}, as Go puts it.
         */
        private static String describe(String program, IOException cause) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("error=2,")) {
                return "exec: \"" + program + "\": executable file not found in $PATH (" + message + ")";
            }
            int errno = message.indexOf("error=");
            int reason = message.indexOf(", ", errno);
            String text = errno < 0 || reason < 0 ? "" : message.substring(reason + 2);
            if (text.isEmpty()) {
                return "fork/exec " + program + ": " + message;
            }
            return "fork/exec " + program + ": " + Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
    }
}
