package dev.fwatchdog.process;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What posix_spawn reads, laid out in one block of native memory of the caller's arena: room for the file actions
 * and attributes, argv and envp (pointer arrays ending in NULL), and their strings. One allocation per start, freed
 * with the arena once the child has its own copies.
 */
final class SpawnArguments {

    /** sizeof(posix_spawn_file_actions_t) is 80 bytes on 64-bit glibc; room to spare. */
    private static final int FILE_ACTIONS_SIZE = 256;
    /** sizeof(posix_spawnattr_t) is 336 bytes on 64-bit glibc. */
    private static final int ATTRIBUTES_SIZE = 512;
    private static final int HEADER_SIZE = FILE_ACTIONS_SIZE + ATTRIBUTES_SIZE;
    private static final long POINTER_SIZE = ADDRESS.byteSize();

    /** The watchdog's own environment, "NAME=value" as C strings by name: the same for every start. */
    private static final Map<String, byte[]> INHERITED = new TreeMap<>();

    static {
        System.getenv().forEach((name, value) -> INHERITED.put(name, cString(name + "=" + value)));
    }

    private final MemorySegment block;
    private final long envp;

    /** The command, and the watchdog's environment with {@code extraEnvironment} on top of it. */
    SpawnArguments(Arena arena, List<String> command, Map<String, String> extraEnvironment) {
        List<byte[]> arguments = new ArrayList<>(command.size());
        command.forEach(argument -> arguments.add(cString(argument)));
        List<byte[]> environment = new ArrayList<>(INHERITED.size() + extraEnvironment.size());
        INHERITED.forEach((name, variable) -> {
            if (!extraEnvironment.containsKey(name)) {
                environment.add(variable);
            }
        });
        extraEnvironment.forEach((name, value) -> environment.add(cString(name + "=" + value)));

        long pointers = POINTER_SIZE * (arguments.size() + 1 + environment.size() + 1);
        block = arena.allocate(HEADER_SIZE + pointers + length(arguments) + length(environment), POINTER_SIZE);
        envp = HEADER_SIZE + POINTER_SIZE * (arguments.size() + 1);
        long strings = write(arguments, HEADER_SIZE, HEADER_SIZE + pointers);
        write(environment, envp, strings);
    }

    /** Room for a posix_spawn_file_actions_t. */
    MemorySegment fileActions() {
        return block.asSlice(0, FILE_ACTIONS_SIZE);
    }

    /** Room for a posix_spawnattr_t. */
    MemorySegment attributes() {
        return block.asSlice(FILE_ACTIONS_SIZE, ATTRIBUTES_SIZE);
    }

    MemorySegment argv() {
        return block.asSlice(HEADER_SIZE);
    }

    MemorySegment envp() {
        return block.asSlice(envp);
    }

    /** The strings at {@code stringsAt}, a NULL-terminated array of pointers to them at {@code table}. */
    private long write(List<byte[]> strings, long table, long stringsAt) {
        long entry = table;
        for (byte[] string : strings) {
            block.set(ADDRESS, entry, block.asSlice(stringsAt));
            MemorySegment.copy(string, 0, block, JAVA_BYTE, stringsAt, string.length);
            entry += POINTER_SIZE;
            stringsAt += string.length;
        }
        block.set(ADDRESS, entry, MemorySegment.NULL);
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
