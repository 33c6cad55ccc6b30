import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's own ceiling for the 1 GiB streaming benchmark: the least a JVM can do to relay an HTTP upload through
 * `cat` and back. One call at a time, blocking sockets, two threads (body to stdin; stdout to the socket), 64 KiB
 * copies, a response that ends when the connection closes; no event loop, no framework, no chunked encoding. Only
 * what curl -T sends is understood (Content-Length, Expect: 100-continue).
 *
 * Run: java -Xmx64m -XX:+UseSerialGC bench/StreamRelay.java PORT
 */
public class StreamRelay {

    private static final int BUFFER = 64 * 1024;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                try (Socket socket = server.accept()) {
                    relay(socket);
                }
            }
        }
    }

    private static void relay(Socket socket) throws Exception {
        InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        OutputStream out = socket.getOutputStream();
        long length = 0;
        boolean expectContinue = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String header = line.toLowerCase();
            if (header.startsWith("content-length:")) {
                length = Long.parseLong(header.substring("content-length:".length()).trim());
            } else if (header.startsWith("expect:")) {
                expectContinue = true;
            }
        }
        if (expectContinue) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        Process cat = new ProcessBuilder("cat").start();
        long body = length;
        Thread feeder = new Thread(() -> {
            byte[] chunk = new byte[BUFFER];
            try (OutputStream stdin = cat.getOutputStream()) {
                for (long left = body; left > 0; ) {
                    int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                    if (n < 0) {
                        break;
                    }
                    stdin.write(chunk, 0, n);
                    left -= n;
                }
            } catch (IOException catStopped) {
                // the answer tells
            }
        });
        feeder.start();
        out.write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[BUFFER];
        try (InputStream stdout = cat.getInputStream()) {
            for (int n; (n = stdout.read(chunk)) > 0; ) {
                out.write(chunk, 0, n);
            }
        }
        feeder.join();
        cat.waitFor();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
