package dev.fwatchdog.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * What posix_spawn reads, laid out in one block of native memory that is freed by hand once the child has started:
 * room for the file actions and attributes, argv and envp (pointer arrays ending in NULL), and their strings. One malloc per start:
 * JNA's own types (StringArray, Memory) allocate a block per string and register each with JNA's cleaner thread,
 * which, with the GC's work on those references, cost a fifth of the watchdog's CPU at a thousand starts a second.
 */
final class SpawnArguments {

    /** sizeof(posix_spawn_file_actions_t) is 80 bytes on 64-bit glibc; room to spare. */
    private static final int FILE_ACTIONS_SIZE = 256;
    /** sizeof(posix_spawnattr_t) is 336 bytes on 64-bit glibc. */
    private static final int ATTRIBUTES_SIZE = 512;
    private static final int HEADER_SIZE = FILE_ACTIONS_SIZE + ATTRIBUTES_SIZE;

    /** The watchdog's own environment, "NAME=value" as C strings by name: the same for every start. */
    private static final Map<String, byte[]> INHERITED = new TreeMap<>();

    static {
        System.getenv().forEach((name, value) -> INHERITED.put(name, cString(name + "=" + value)));
    }

    private final long address;
    private final Pointer block;
    private final long argv;
    private final long envp;

    /** The command, and the watchdog's environment with {@code extraEnvironment} on top of it. */
    SpawnArguments(List<String> command, Map<String, String> extraEnvironment) {
        List<byte[]> arguments = new ArrayList<>(command.size());
        command.forEach(argument -> arguments.add(cString(argument)));
        List<byte[]> environment = new ArrayList<>(INHERITED.size() + extraEnvironment.size());
        INHERITED.forEach((name, variable) -> {
            if (!extraEnvironment.containsKey(name)) {
                environment.add(variable);
            }
        });
        extraEnvironment.forEach((name, value) -> environment.add(cString(name + "=" + value)));

        long pointers = (long) Native.POINTER_SIZE * (arguments.size() + 1 + environment.size() + 1);
        address = Native.malloc(HEADER_SIZE + pointers + length(arguments) + length(environment));
        if (address == 0) {
            throw new OutOfMemoryError("no native memory for the arguments of " + command.get(0));
        }
        block = new Pointer(address);
        argv = HEADER_SIZE;
        envp = argv + (long) Native.POINTER_SIZE * (arguments.size() + 1);
        long strings = write(arguments, argv, HEADER_SIZE + pointers);
        write(environment, envp, strings);
    }

    /** Room for a posix_spawn_file_actions_t, to be initialised and destroyed by the caller. */
    Pointer fileActions() {
        return block;
    }

    /** Room for a posix_spawnattr_t, to be initialised and destroyed by the caller. */
    Pointer attributes() {
        return block.share(FILE_ACTIONS_SIZE);
    }

    Pointer argv() {
        return block.share(argv);
    }

    Pointer envp() {
        return block.share(envp);
    }

    /** Once posix_spawn has returned: the child has its own copies by then. */
    void free() {
        Native.free(address);
    }

    /** The strings at {@code stringsAt}, a NULL-terminated array of pointers to them at {@code table}. */
    private long write(List<byte[]> strings, long table, long stringsAt) {
        long entry = table;
        for (byte[] string : strings) {
            block.setPointer(entry, block.share(stringsAt));
            block.write(stringsAt, string, 0, string.length);
            entry += Native.POINTER_SIZE;
            stringsAt += string.length;
        }
        block.setPointer(entry, null);
        return stringsAt;
    }

    /** UTF-8 whatever the locale (without one the JVM's default would turn every non-ASCII character into '?'). */
    private static byte[] cString(String text) {
        return (text + '\0').getBytes(StandardCharsets.UTF_8);
    }

    private static long length(List<byte[]> strings) {
        long total = 0;
        for (byte[] string : strings) {
            total += string.length;
        }
        return total;
    }
}
