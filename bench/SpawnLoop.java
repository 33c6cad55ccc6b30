import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's own ceiling for the fork-mode benchmark: what spawn.c does (THREADS threads start `cat`, write 1 KiB, read
 * it back, reap it), through ProcessBuilder with vfork, as the watchdog spawns, with no HTTP around it. EXTRA_FDS files
 * are held open first: the JDK's child closes every inherited fd one by one before exec, so the spawn rate depends
 * on how many a process holds (the watchdog holds about 45 when idle). Prints spawns per second after a 5 s warm-up.
 *
 * Run: java -Xmx64m -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK bench/SpawnLoop.java THREADS SECONDS EXTRA_FDS
 */
public class SpawnLoop {

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        List<FileInputStream> held = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            held.add(new FileInputStream("/dev/null"));
        }
        run(threads, 5);
        System.out.printf("%.1f%n", run(threads, seconds) / (double) seconds);
    }

    private static long run(int threads, int seconds) throws InterruptedException {
        byte[] body = new byte[1024];
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> spawners = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread spawner = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        Process cat = new ProcessBuilder("cat").start();
                        try (OutputStream stdin = cat.getOutputStream()) {
                            stdin.write(body);
                        }
                        try (InputStream stdout = cat.getInputStream()) {
                            if (stdout.readAllBytes().length != body.length) {
                                throw new IllegalStateException("short read");
                            }
                        }
                        cat.getErrorStream().close();
                        cat.waitFor();
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            spawner.start();
            spawners.add(spawner);
        }
        for (Thread spawner : spawners) {
            spawner.join();
        }
        return done.get();
    }
}
