package dev.fwatchdog.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A function process started through the JDK, without a shell, that can be killed with everything it started: the
 * function server of http mode, and fork-mode runs where {@link NativeProcess} is not available.
 */
public final class ChildProcess implements FunctionProcess {

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
            throw StartFailedException.fromJdk(command.get(0), e);
        }
    }

    public Process process() {
        return process;
    }

    @Override
    public long pid() {
        return process.pid();
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
        ByteBuffer piece = ByteBuffer.wrap(chunk);
        try (InputStream out = stdout()) {
            int n;
            while ((n = out.read(chunk)) > 0) {
                if (!sink.accept(piece.clear().limit(n))) {
                    return;
                }
            }
        }
    }

    /** (The JDK cannot start a process in a group of its own.) */
    @Override
    public void kill() {
        ProcessTree.kill(process.toHandle());
    }

    @Override
    public void terminate() {
        process.destroy();
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
}
