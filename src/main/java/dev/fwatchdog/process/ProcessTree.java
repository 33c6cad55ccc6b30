package dev.fwatchdog.process;

import java.util.List;

/**
 * Killing a process with everything it started. Its descendants are listed before it is killed: once it is dead they
 * are re-parented and out of reach. They are killed after it: killed first, they could let it exit normally before
 * its own kill.
 */
public final class ProcessTree {

    private ProcessTree() {
    }

    /** Runs {@code stopRoot} (a signal, a wait), then SIGKILLs what {@code root} had started and is still alive. */
    public static void stop(ProcessHandle root, Runnable stopRoot) {
        List<ProcessHandle> descendants = root.descendants().toList();
        stopRoot.run();
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILL to {@code root} and everything it started. */
    public static void kill(ProcessHandle root) {
        stop(root, root::destroyForcibly);
    }

    /** SIGKILL to everything this process has started and that is still alive; how many. */
    public static int killDescendantsOfThisProcess() {
        List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        return left.size();
    }
}
