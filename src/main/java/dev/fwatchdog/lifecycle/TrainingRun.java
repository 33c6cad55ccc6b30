package dev.fwatchdog.lifecycle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.fwatchdog.process.FunctionProcess;
import dev.fwatchdog.process.LogPump;
import io.quarkus.runtime.Quarkus;
import org.jboss.logging.Logger;

/**
 * The training start of the image's AOT cache (-Dfwatchdog.train=true with -XX:AOTCacheOutput, run by
 * src/main/docker/layout.sh): once up, the watchdog does what a pod does in its first minute, so that the classes
 * and profiles of those calls are in the cache, then exits and the JVM writes it. Health, readiness, metrics
 * scrapes, a few thousand calls on keep-alive connections, and fork-mode processes started, fed and read. The calls
 * are made over plain sockets: the JDK's HttpClient would put its own classes, which no pod loads, into the cache
 * (bench/RESULTS.md).
 */
final class TrainingRun {

    private static final Logger LOG = Logger.getLogger(TrainingRun.class);
    private static final String PROPERTY = "fwatchdog.train";
    /** How many calls, for a test that needs the training's mechanism and not its profiles. */
    private static final String CALLS_PROPERTY = "fwatchdog.train.calls";
    private static final int ATTEMPTS = 400;
    private static final int CALLS = 20000;
    private static final int SPAWNS = 50;

    private TrainingRun() {
    }

    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /** Trains and exits, on a thread of its own: the sockets open after the start-up event. */
    static void trainThenExit(int port, int metricsPort) {
        Thread training = new Thread(() -> {
            awaitStatus(port, "/_/health", 200);
            awaitStatus(port, "/_/ready", 200);
            calls(port, Integer.getInteger(CALLS_PROPERTY, CALLS));
            spawns();
            // Until the JVM meters are bound (metrics.JvmMeters, a second after start): their classes are a pod's
            // first scrape's, and a JDK 25 class dump at exit crashed the JVM while that thread was still binding.
            for (int attempt = 0; attempt < ATTEMPTS && !get(metricsPort, "/metrics").contains("jvm_info"); attempt++) {
                pause();
            }
            LOG.info("Training done: exiting");
            Quarkus.asyncExit(0);
        }, "training");
        training.setDaemon(true);
        training.start();
    }

    /** GETs and POSTs of the function, on one kept-alive connection at a time. */
    private static void calls(int port, int count) {
        byte[] get = ("GET /?training=1 HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] post = ("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
                + "hello").getBytes(StandardCharsets.US_ASCII);
        int done = 0;
        while (done < count) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 100 && done < count; i++, done++) {
                    out.write(i % 2 == 0 ? get : post);
                    out.flush();
                    readAnswer(in);
                }
            } catch (IOException broken) {
                done += 100;
            }
        }
    }

    /** One HTTP/1.1 answer framed by Content-Length or chunked, read to its end. */
    private static void readAnswer(InputStream in) throws IOException {
        String head = line(in);
        long length = 0;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String name = header.substring(0, Math.max(0, header.indexOf(':'))).trim();
            String value = header.substring(header.indexOf(':') + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            }
        }
        if (head.isEmpty()) {
            throw new IOException("connection closed");
        }
        if (!chunked) {
            in.skipNBytes(length);
            return;
        }
        for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
            in.skipNBytes(size);
            line(in);
        }
        line(in);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Fork-mode processes started, fed and read as a call would, whatever the mode of this run. */
    private static void spawns() {
        ExecutorService io = Executors.newCachedThreadPool();
        LogPump log = new LogPump(new PrintStream(new ByteArrayOutputStream(), true), "stderr", true, 65536);
        try {
            for (int i = 0; i < SPAWNS; i++) {
                FunctionProcess process = FunctionProcess.start(List.of("cat"), Map.of("Http_Method", "POST"), false);
                try (OutputStream stdin = process.stdin()) {
                    stdin.write("training".getBytes(StandardCharsets.US_ASCII));
                }
                process.readOutput(8192, piece -> true, log, io);
                process.waitFor();
            }
        } catch (IOException | RuntimeException | InterruptedException skipped) {
            LOG.infof("Training: fork-mode processes skipped (%s)", skipped);
        } finally {
            io.shutdown();
        }
    }

    private static void awaitStatus(int port, String path, int status) {
        for (int attempt = 0; attempt < ATTEMPTS && !get(port, path).startsWith("HTTP/1.1 " + status); attempt++) {
            pause();
        }
    }

    /** One GET, its answer read to the end (and returned); "" when the port does not answer. */
    private static String get(int port, String path) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException notYetOpen) {
            return "";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }
}
