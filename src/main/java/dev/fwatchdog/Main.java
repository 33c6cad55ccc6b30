package dev.fwatchdog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;

import dev.fwatchdog.config.InvalidSettingException;
import dev.fwatchdog.process.LogTime;
import dev.fwatchdog.config.Settings;
import dev.fwatchdog.lifecycle.GracefulShutdown;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The {@code fwatchdog} command. Answers of-watchdog's flags before Quarkus starts (they are used by exec probes and
 * must be fast), then runs the watchdog and turns a start-up failure into one line on stderr and exit code 1.
 */
@QuarkusMain
public class Main {

    public static final String VERSION = "0.1.0";

    public static void main(String... args) {
        for (String arg : args) {
            switch (arg.replaceFirst("^--", "-")) {
                case "-version" -> {
                    System.out.println("Version: " + VERSION);
                    System.exit(0);
                }
                case "-run-healthcheck" -> System.exit(runHealthcheck());
                default -> {
                    System.err.println("unknown flag: " + arg + " (known: -version, -run-healthcheck)");
                    System.exit(1);
                }
            }
        }
        // Dev mode runs main again on every hot reload, while its HTTP server still holds the ports.
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            try {
                checkPortFree("port", System.getenv("port"), 8080);
                checkPortFree("metrics_port", System.getenv("metrics_port"), 8081);
            } catch (InvalidSettingException e) {
                fail(e.getMessage());
            }
        }
        GracefulShutdown.handleSignals();
        Quarkus.run(null, Main::exit, args);
    }

    /** The Docker HEALTHCHECK of OpenFaaS templates: healthy while the lock file exists. */
    private static int runHealthcheck() {
        if (Files.exists(Settings.lockFile(System.getenv("TMPDIR")))) {
            return 0;
        }
        System.out.println("unable to find lock file.");
        return 1;
    }

    /**
     * A port taken by another process fails the start with a clear line, before any other work is done (of-watchdog
     * exits 0 or panics). Quarkus' own bind error is still handled in {@link #exit} for the race that remains.
     */
    private static void checkPortFree(String variable, String value, int defaultPort) {
        int port = value == null || value.isBlank() ? defaultPort : Settings.port(variable, value);
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException inUse) {
            throw new InvalidSettingException(variable + " " + port + " is already in use by another process");
        }
    }

    /**
     * Quarkus calls this when the application ends. A start-up failure becomes one line; everything else, including
     * a dev-mode reload (which must not end the JVM), is left to Quarkus' own handler.
     */
    private static void exit(int code, Throwable failure) {
        if (failure != null && LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof InvalidSettingException invalid) {
                    fail(invalid.getMessage());
                }
                if (cause instanceof QuarkusBindException bind) {
                    fail("port " + bind.getPort() + " is already in use by another process");
                }
            }
            failure.printStackTrace();
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(code, failure);
    }

    private static void fail(String line) {
        System.err.println(LogTime.prefix() + line);
        System.exit(1);
    }
}
