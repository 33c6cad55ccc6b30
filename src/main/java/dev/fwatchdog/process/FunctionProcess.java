package dev.fwatchdog.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** One fork-mode run of the function: its three pipes, a kill of everything it started, its exit. */
public interface FunctionProcess {

    /**
     * Starts {@code command} without a shell, with the watchdog's environment plus {@code extraEnvironment}: through
     * posix_spawn where it can be called ({@link NativeProcess}) unless {@code throughJdk}, else through the JDK
     * ({@link ChildProcess}).
     *
     * @throws StartFailedException when the program cannot be run at all
     */
    static FunctionProcess start(List<String> command, Map<String, String> extraEnvironment, boolean throughJdk) {
        return LibC.AVAILABLE && !throughJdk
                ? NativeProcess.start(command, extraEnvironment)
                : ChildProcess.start(command, extraEnvironment);
    }

    /**
     * Binds the C library calls of the posix_spawn path now: binding them makes the JDK generate a stub and a few
     * dozen method handle classes per call shape, which no AOT cache keeps, and the first run would wait for it.
     */
    static void bindNativeCalls() {
        boolean _ = LibC.AVAILABLE;
    }

    long pid();

    OutputStream stdin();

    /** stdin as a channel, for bytes that are not on the heap; closing it closes stdin. */
    default WritableByteChannel stdinChannel() {
        return Channels.newChannel(stdin());
    }

    InputStream stdout();

    InputStream stderr();

    /**
     * Reads stdout into {@code sink} until it ends or the sink takes no more, and forwards stderr to {@code stderr}
     * meanwhile; closes stdout. Whatever stderr still has to say after that is forwarded by a thread of {@code io}.
     */
    void readOutput(int chunkSize, StdoutSink sink, LogPump stderr, Executor io)
            throws IOException, InterruptedException;

    /** SIGKILL to the process and everything it started. */
    void kill();

    /** SIGTERM to the process (and its group, where it leads one), to let it stop on its own. */
    void terminate();

    /** Blocks until the process has exited; its exit code, or 128 + the signal that ended it. */
    int waitFor();
}
