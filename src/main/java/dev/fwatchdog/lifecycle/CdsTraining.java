package dev.fwatchdog.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.quarkus.runtime.Quarkus;

/**
 * A training start for a class-data archive (-Dquarkus.appcds.generate=true with -XX:ArchiveClassesAtExit, see the
 * Dockerfile): once up, the watchdog calls its own health, readiness, metrics and one function path, so the classes
 * of those first requests are archived too, then exits. Archiving only what start-up loads left the first
 * /_/health answer slower (bench/RESULTS.md, start-up).
 */
final class CdsTraining {

    private static final int ATTEMPTS = 200;

    private CdsTraining() {
    }

    /** Trains and exits, on a thread of its own: the sockets open after the start-up event. */
    static void trainThenExit(int port, int metricsPort) {
        Thread training = new Thread(() -> {
            get(port, "/_/health");
            get(port, "/_/ready");
            get(port, "/");
            // Until the JVM meters are bound (metrics.JvmMeters, a second after start): their classes are a pod's
            // first scrape's, and a JDK 25 archive dump at exit crashed the JVM while that thread was still binding.
            for (int attempt = 0; attempt < ATTEMPTS && !get(metricsPort, "/metrics").contains("jvm_info"); attempt++) {
                pause();
            }
            Quarkus.asyncExit(0);
        }, "cds-training");
        training.setDaemon(true);
        training.start();
    }

    /** One GET, its answer read to the end (and returned); retried while the port is not open yet. */
    private static String get(int port, String path) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                try (InputStream in = socket.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException notYetOpen) {
                pause();
            }
        }
        return "";
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }
}
