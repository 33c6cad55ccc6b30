package dev.fwatchdog.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a program named without a slash is found on the watchdog's PATH, as exec looks for it, remembered once found:
 * fprocess is the same program for every call. Searching at every start cost a failed execve for each directory
 * before the right one (seven for cat with this machine's PATH).
 */
final class Executables {

    private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();

    private Executables() {
    }

    /** The program's path; empty when it names no executable file on PATH (let exec say why). */
    static Optional<Path> find(String program) {
        if (program.contains("/")) {
            return Optional.of(Path.of(program));
        }
        Path known = FOUND.get(program);
        if (known != null) {
            return Optional.of(known);
        }
        String searched = System.getenv("PATH");
        for (String directory : (searched == null ? "/bin:/usr/bin" : searched).split(File.pathSeparator, -1)) {
            Path candidate = Path.of(directory.isEmpty() ? "." : directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                FOUND.put(program, candidate);
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
