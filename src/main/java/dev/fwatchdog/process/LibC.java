package dev.fwatchdog.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import org.jboss.logging.Logger;

/**
 * The C library calls of the posix_spawn path, bound once through the FFM API (no native library of ours to unpack).
 * {@link #AVAILABLE} is false where one of them is missing (musl has no posix_spawn_file_actions_addclosefrom_np):
 * fork modes then start functions through the JDK.
 */
final class LibC {

    private static final Logger LOG = Logger.getLogger(LibC.class);

    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POLLIN = 0x1;
    /** POLLIN, POLLERR, POLLHUP, POLLNVAL: a read will not block. */
    static final short READABLE = 0x1 | 0x8 | 0x10 | 0x20;
    static final int F_SETPIPE_SZ = 1031;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int O_CLOEXEC = 0x80000;
    static final int SIGSTOP = 19;
    static final int LAST_SIGNAL = 64;
    static final long SIG_IGN = 1;
    static final int P_PID = 1;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x1000000;
    static final int EINTR = 4;
    /** sizeof(siginfo_t); sizeof(sigset_t) is 128 bytes in glibc, sizeof(struct sigaction) 152: room to spare. */
    static final int SIGINFO_SIZE = 128;
    static final int SIGSET_SIZE = 128;
    static final int SIGACTION_SIZE = 256;
    /** struct pollfd {int fd; short events; short revents;} */
    static final int POLLFD_SIZE = 8;

    /** The call shapes bound here, each with its linker options: what a native image must know at build time. */
    enum Shape {
        INT_OF_INT(FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
        INT_OF_INT_INT(FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT)),
        /** fcntl(int, int, ...): the third argument is variadic. */
        FCNTL(FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2)),
        INT_OF_POINTER(FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        INT_OF_POINTER_SHORT(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT)),
        INT_OF_POINTER_INT(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
        INT_OF_POINTER_INT_ERRNO(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno()),
        INT_OF_POINTER_INT_INT(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT)),
        INT_OF_POINTER_POINTER(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
        INT_OF_INT_POINTER_POINTER(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS)),
        SPAWN(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)),
        POLL(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno()),
        WAITID(FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno()),
        WAITPID(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno()),
        POINTER_OF_INT(FunctionDescriptor.of(ADDRESS, JAVA_INT));

        final FunctionDescriptor descriptor;
        final Linker.Option[] options;

        Shape(FunctionDescriptor descriptor, Linker.Option... options) {
            this.descriptor = descriptor;
            this.options = options;
        }

        private static Linker.Option errno() {
            return Linker.Option.captureCallState("errno");
        }
    }

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static final boolean AVAILABLE = load();

    private LibC() {
    }

    private static boolean load() {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return false;
        }
        try {
            return Bound.HANDLED_SIGNALS != null;
        } catch (Throwable unavailable) {
            LOG.debugf("posix_spawn not available (%s): fork modes start functions through the JDK", unavailable);
            return false;
        }
    }

    /** Room for the errno of a call that captures it. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    private static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** A pipe into {@code fds} (two ints), both ends closed on exec; 0, or the errno. */
    static int pipe(MemorySegment fds, MemorySegment callState) {
        try {
            int result = (int) Bound.PIPE2.invokeExact(callState, fds, O_CLOEXEC);
            return result == 0 ? 0 : errno(callState);
        } catch (Throwable unexpected) {
            throw new IllegalStateException("pipe2", unexpected);
        }
    }

    static void close(int fd) {
        try {
            int _ = (int) Bound.CLOSE.invokeExact(fd);
        } catch (Throwable unexpected) {
            throw new IllegalStateException("close", unexpected);
        }
    }

    /** fcntl with an int argument; a refusal is the caller's to ignore. */
    static int fcntl(int fd, int command, int argument) {
        try {
            return (int) Bound.FCNTL.invokeExact(fd, command, argument);
        } catch (Throwable unexpected) {
            throw new IllegalStateException("fcntl", unexpected);
        }
    }

    static void kill(int pid, int signal) {
        try {
            int _ = (int) Bound.KILL.invokeExact(pid, signal);
        } catch (Throwable unexpected) {
            throw new IllegalStateException("kill", unexpected);
        }
    }

    /** poll(2), again when a signal interrupts it: how many descriptors have something. */
    static int poll(MemorySegment fds, int count, int timeout, MemorySegment callState) {
        while (true) {
            int ready;
            try {
                ready = (int) Bound.POLL.invokeExact(callState, fds, (long) count, timeout);
            } catch (Throwable unexpected) {
                throw new IllegalStateException("poll", unexpected);
            }
            if (ready >= 0) {
                return ready;
            }
            int error = errno(callState);
            if (error != EINTR) {
                throw new IllegalStateException("poll: " + strerror(error));
            }
        }
    }

    /** Waits until the process has exited, without reaping it. */
    static void waitForExit(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_SIZE);
            MemorySegment callState = callState(arena);
            while ((int) Bound.WAITID.invokeExact(callState, P_PID, pid, info, WEXITED | WNOWAIT) != 0) {
                int error = errno(callState);
                if (error != EINTR) {
                    throw new IllegalStateException("waitid " + pid + ": " + strerror(error));
                }
            }
        } catch (IllegalStateException failed) {
            throw failed;
        } catch (Throwable unexpected) {
            throw new IllegalStateException("waitid", unexpected);
        }
    }

    /** Reaps an exited process: its exit code, or 128 + the signal that ended it, as java.lang.Process says. */
    static int reap(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            int _ = (int) Bound.WAITPID.invokeExact(callState(arena), pid, status, 0);
            int value = status.get(JAVA_INT, 0);
            int signal = value & 0x7f;
            return signal == 0 ? (value >> 8) & 0xff : 128 + signal;
        } catch (Throwable unexpected) {
            throw new IllegalStateException("waitpid", unexpected);
        }
    }

    static String strerror(int error) {
        try {
            MemorySegment text = (MemorySegment) Bound.STRERROR.invokeExact(error);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable unexpected) {
            return "error " + error;
        }
    }

    /**
     * posix_spawn (or posix_spawnp when {@code searchPath}) of {@code arguments} with {@code stdin}, {@code stdout}
     * and {@code stderr} as its 0, 1 and 2, every other descriptor closed (one close_range), in a process group of
     * its own (so that a kill reaches everything it starts in one signal) and with the watchdog's signal handlers
     * reset. The child's pid goes into {@code pid}; returns 0, or the error.
     */
    static int spawn(MemorySegment pid, MemorySegment program, boolean searchPath, SpawnArguments arguments,
            int stdin, int stdout, int stderr) {
        MemorySegment actions = arguments.fileActions();
        MemorySegment attributes = arguments.attributes();
        try {
            int _ = (int) Bound.ATTR_INIT.invokeExact(attributes);
            int _ = (int) Bound.ATTR_SETFLAGS.invokeExact(attributes, (short) (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF));
            int _ = (int) Bound.ATTR_SETPGROUP.invokeExact(attributes, 0);
            int _ = (int) Bound.ATTR_SETSIGDEFAULT.invokeExact(attributes, Bound.HANDLED_SIGNALS);
            int _ = (int) Bound.ACTIONS_INIT.invokeExact(actions);
            int _ = (int) Bound.ACTIONS_ADDDUP2.invokeExact(actions, stdin, 0);
            int _ = (int) Bound.ACTIONS_ADDDUP2.invokeExact(actions, stdout, 1);
            int _ = (int) Bound.ACTIONS_ADDDUP2.invokeExact(actions, stderr, 2);
            int _ = (int) Bound.ACTIONS_ADDCLOSEFROM.invokeExact(actions, 3);
            int error = searchPath
                    ? (int) Bound.SPAWNP.invokeExact(pid, program, actions, attributes, arguments.argv(),
                            arguments.envp())
                    : (int) Bound.SPAWN.invokeExact(pid, program, actions, attributes, arguments.argv(),
                            arguments.envp());
            int _ = (int) Bound.ACTIONS_DESTROY.invokeExact(actions);
            int _ = (int) Bound.ATTR_DESTROY.invokeExact(attributes);
            return error;
        } catch (Throwable unexpected) {
            throw new IllegalStateException("posix_spawn", unexpected);
        }
    }

    /** The handles; loading this class fails when a function is missing. */
    private static final class Bound {

        private static final Linker LINKER = Linker.nativeLinker();

        static final MethodHandle PIPE2 = bind("pipe2", Shape.INT_OF_POINTER_INT_ERRNO);
        static final MethodHandle CLOSE = bind("close", Shape.INT_OF_INT);
        static final MethodHandle FCNTL = bind("fcntl", Shape.FCNTL);
        static final MethodHandle KILL = bind("kill", Shape.INT_OF_INT_INT);
        static final MethodHandle POLL = bind("poll", Shape.POLL);
        static final MethodHandle WAITID = bind("waitid", Shape.WAITID);
        static final MethodHandle WAITPID = bind("waitpid", Shape.WAITPID);
        static final MethodHandle STRERROR = bind("strerror", Shape.POINTER_OF_INT);
        static final MethodHandle SIGEMPTYSET = bind("sigemptyset", Shape.INT_OF_POINTER);
        static final MethodHandle SIGADDSET = bind("sigaddset", Shape.INT_OF_POINTER_INT);
        static final MethodHandle SIGACTION = bind("sigaction", Shape.INT_OF_INT_POINTER_POINTER);
        static final MethodHandle ATTR_INIT = bind("posix_spawnattr_init", Shape.INT_OF_POINTER);
        static final MethodHandle ATTR_DESTROY = bind("posix_spawnattr_destroy", Shape.INT_OF_POINTER);
        static final MethodHandle ATTR_SETFLAGS = bind("posix_spawnattr_setflags", Shape.INT_OF_POINTER_SHORT);
        static final MethodHandle ATTR_SETPGROUP = bind("posix_spawnattr_setpgroup", Shape.INT_OF_POINTER_INT);
        static final MethodHandle ATTR_SETSIGDEFAULT = bind("posix_spawnattr_setsigdefault",
                Shape.INT_OF_POINTER_POINTER);
        static final MethodHandle ACTIONS_INIT = bind("posix_spawn_file_actions_init", Shape.INT_OF_POINTER);
        static final MethodHandle ACTIONS_DESTROY = bind("posix_spawn_file_actions_destroy", Shape.INT_OF_POINTER);
        static final MethodHandle ACTIONS_ADDDUP2 = bind("posix_spawn_file_actions_adddup2",
                Shape.INT_OF_POINTER_INT_INT);
        static final MethodHandle ACTIONS_ADDCLOSEFROM = bind("posix_spawn_file_actions_addclosefrom_np",
                Shape.INT_OF_POINTER_INT);
        static final MethodHandle SPAWN = bind("posix_spawn", Shape.SPAWN);
        static final MethodHandle SPAWNP = bind("posix_spawnp", Shape.SPAWN);

        /**
         * The signals a child sets to their default action outright: all but those the watchdog ignores (which stay
         * ignored across exec, as they would without posix_spawn). For a signal outside this set glibc's child first
         * asks how it is handled, then resets it if it has a handler: two calls instead of one, for each of the 64
         * signals, at every start.
         */
        static final MemorySegment HANDLED_SIGNALS = handledSignals();

        private Bound() {
        }

        private static MethodHandle bind(String name, Shape shape) {
            MemorySegment function = LINKER.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
            return LINKER.downcallHandle(function, shape.descriptor, shape.options);
        }

        private static MemorySegment handledSignals() {
            MemorySegment signals = Arena.global().allocate(SIGSET_SIZE);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment action = arena.allocate(SIGACTION_SIZE);
                int _ = (int) SIGEMPTYSET.invokeExact(signals);
                for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
                    // sa_handler comes first in struct sigaction; SIG_IGN is 1. sigaddset refuses glibc's own
                    // signals (32, 33), which is right.
                    if (signal != SIGKILL && signal != SIGSTOP
                            && (int) SIGACTION.invokeExact(signal, MemorySegment.NULL, action) == 0
                            && action.get(JAVA_LONG, 0) != SIG_IGN) {
                        int _ = (int) SIGADDSET.invokeExact(signals, signal);
                    }
                }
            } catch (Throwable failed) {
                throw new IllegalStateException("cannot list the signals the watchdog handles", failed);
            }
            return signals;
        }
    }
}
