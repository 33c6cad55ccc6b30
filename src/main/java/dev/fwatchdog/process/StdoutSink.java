package dev.fwatchdog.process;

/** Where a function's stdout goes, piece by piece, as it is read. */
@FunctionalInterface
public interface StdoutSink {

    /**
     * Takes {@code length} bytes of {@code chunk}, which is reused once this returns.
     *
     * @return false to read no more: the caller has stopped the call
     */
    boolean accept(byte[] chunk, int length) throws InterruptedException;
}
