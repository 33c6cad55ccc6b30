package dev.fwatchdog.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The lock file is written just after the listener is up, so a test that starts at once may wait for it briefly. */
public final class LockFiles {

    private LockFiles() {
    }

    public static void awaitPresent(Path lockFile) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(lockFile)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no lock file at " + lockFile);
            }
            Thread.sleep(10);
        }
    }
}
