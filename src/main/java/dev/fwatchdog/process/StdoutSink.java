package dev.fwatchdog.process;

import java.nio.ByteBuffer;

/** Where a function's stdout goes, piece by piece, as it is read. */
@FunctionalInterface
public interface StdoutSink {

    /**
     * Takes the bytes {@code piece} has left. The buffer is reused once this returns, and is off the heap where the
     * pipe is read that way: a sink that writes it to a channel then copies nothing.
     *
     * @return false to read no more: the caller has stopped the call
     */
    boolean accept(ByteBuffer piece) throws InterruptedException;
}
