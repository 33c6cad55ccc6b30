package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.fwatchdog.support.Pids;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What serializing and streaming modes share (WATCHDOG.md 4.1 to 4.3): the function is
 * src/test/resources/functions/dispatch.sh, whose behaviour the request path picks.
 */
abstract class ForkModeContract {

    static Map<String, String> profile(String mode) {
        return Map.of("watchdog.mode", mode,
                "watchdog.function-process", "sh src/test/resources/functions/dispatch.sh",
                "watchdog.exec-timeout", "2s",
                "watchdog.content-type", "text/x-test");
    }

    /** The same contract on the JDK's spawn path, which native images on musl take. */
    private static Map<String, String> throughJdk(String mode) {
        Map<String, String> overrides = new HashMap<>(profile(mode));
        overrides.put("watchdog.spawn-through-jdk", "true");
        return overrides;
    }

    public static class Serializing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return profile("serializing");
        }
    }

    public static class Streaming implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return profile("streaming");
        }
    }

    public static class SerializingThroughJdk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return throughJdk("serializing");
        }
    }

    public static class StreamingThroughJdk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return throughJdk("streaming");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @TempDir
    Path tmp;

    /** Whether this profile starts functions through the JDK rather than posix_spawn. */
    boolean throughJdk() {
        return false;
    }

    /** posix_spawn puts each function in a process group of its own; the JDK cannot. */
    @Test
    void functionsStartThroughTheExpectedPath() {
        String[] pidAndGroup = given().post("/process-group").then().statusCode(200).extract().asString().trim()
                .split(" ");
        assertEquals(!throughJdk(), pidAndGroup[0].equals(pidAndGroup[1]), String.join(" ", pidAndGroup));
    }

    @Test
    void echoesTheBodyWithTheConfiguredContentType() {
        given().body("hello, function").post("/echo").then().statusCode(200)
                .header("Content-Type", "text/x-test")
                .body(equalTo("hello, function"));
    }

    @Test
    void requestIsInTheEnvironment() {
        String env = given()
                .header("X-Custom-Header", "custom value")
                .header("X-Multi", "first")
                .header("X-Multi", "second")
                .contentType("text/plain")
                .body("12345")
                .urlEncodingEnabled(false)
                .post("/env?a=1&b=two%20words").then().statusCode(200).extract().asString();
        List<String> lines = env.lines().toList();
        assertTrue(lines.contains("Http_X_Custom_Header=custom value"), env);
        assertTrue(lines.contains("Http_X_Multi=first"), env);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("Http_Content_Type=text/plain")), env);
        assertTrue(lines.contains("Http_Content_Length=5"), env);
        assertTrue(lines.contains("Http_Method=POST"), env);
        assertTrue(lines.contains("Http_Path=/env"), env);
        assertTrue(lines.contains("Http_Query=a=1&b=two%20words"), env);
        assertFalse(env.contains("Http_Host="), env);
        assertFalse(env.contains("Http_Transfer_Encoding="), env);
    }

    @Test
    void utf8HeaderValuesReachTheFunctionAsSent() throws IOException {
        // raw bytes on the wire ("café" in UTF-8): an HTTP client library would encode the value its own way
        byte[] request = "GET /env HTTP/1.1\r\nHost: localhost\r\nX-Name: caf\u00c3\u00a9\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        String answer;
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.getOutputStream().write(request);
            answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        // read back byte for byte: the same two bytes for é, not four (UTF-8 of the Latin-1 reading of them)
        assertTrue(answer.contains("\nHttp_X_Name=caf\u00c3\u00a9\n"), answer);
    }

    @Test
    void pathIsDecodedAndQueryLeftOutWhenEmpty() {
        String env = given().urlEncodingEnabled(false).get("/env%20x/a%2Bb+c").then().statusCode(200).extract().asString();
        assertTrue(env.lines().toList().contains("Http_Path=/env x/a+b+c"), env);
        assertFalse(env.contains("Http_Query="), env);
        assertTrue(env.lines().toList().contains("Http_Method=GET"), env);
    }

    @Test
    void chunkedRequestsAreMarked() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(root.toURI().resolve("/env"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream("abc".getBytes())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().lines().toList().contains("Http_Transfer_Encoding=chunked"), response.body());
    }

    /** As of-watchdog (Go's 1 MB MaxHeaderBytes): a 10 KB query and a 100 KB header pass; Vert.x' defaults refused. */
    @Test
    void longQueriesAndBigHeadersPass() {
        String query = "q=" + "a".repeat(10_000);
        String cookie = "c".repeat(100_000);
        String env = given().urlEncodingEnabled(false).header("Cookie", cookie).get("/env?" + query)
                .then().statusCode(200).extract().asString();
        assertTrue(env.lines().toList().contains("Http_Query=" + query), "10 KB query");
        assertTrue(env.lines().toList().contains("Http_Cookie=" + cookie), "100 KB header");
    }

    /** A header too big for an environment variable (over 128 KiB) fails the exec, and says so, as Go does. */
    @Test
    void headerTooBigForTheEnvironmentIsA500SayingSo() {
        given().header("X-Huge", "h".repeat(200_000)).post("/env").then().statusCode(500)
                .body(equalTo("fork/exec sh: argument list too long"));
    }

    @Test
    void headerValuesAreDataNotShell() {
        Path marker = tmp.resolve("pwned");
        String value = "$(touch " + marker + "); `touch " + marker + "` ' \" ;|&";
        String env = given().header("X-Evil", value).post("/env").then().statusCode(200).extract().asString();
        assertTrue(env.lines().toList().contains("Http_X_Evil=" + value), env);
        assertFalse(Files.exists(marker));
    }

    @Test
    void nonZeroExitWithoutOutputIs500() {
        given().post("/exit3-silent").then().statusCode(500).body(equalTo("exit status 3"));
    }

    @Test
    void execTimeoutKillsTheFunction() throws Exception {
        Path pidFile = tmp.resolve("pids");
        long start = System.nanoTime();
        given().header("X-Pid-File", pidFile.toString()).post("/sleep-silent").then().statusCode(500)
                .body(equalTo("signal: killed"));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds >= 1 && seconds < 5, "answered after " + seconds + "s with exec_timeout=2s");
        Pids.awaitAllEnded(Pids.read(pidFile), Duration.ofSeconds(2));
    }

    @Test
    void execTimeoutKillsGrandchildrenToo() throws Exception {
        Path pidFile = tmp.resolve("pids");
        given().header("X-Pid-File", pidFile.toString()).post("/grandchildren").then().statusCode(500);
        List<Long> pids = Pids.read(pidFile);
        assertEquals(4, pids.size(), "sleep, sh, its sleep, the function: " + pids);
        Pids.awaitAllEnded(pids, Duration.ofSeconds(2));
    }

    @Test
    void clientGoingAwayKillsTheFunction() throws Exception {
        hangUpMidCall(0, 0);
    }

    /**
     * POSTs to a function that sleeps, declaring {@code declared} body bytes and sending {@code sent} of them, and
     * hangs up once it runs: the function must be gone well before exec_timeout (2 s) would kill it.
     */
    void hangUpMidCall(long declared, int sent) throws Exception {
        Path pidFile = tmp.resolve("pids");
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sleep-silent HTTP/1.1\r\nHost: x\r\nX-Pid-File: " + pidFile
                    + "\r\nContent-Length: " + declared + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[sent]);
            out.flush();
            Pids.await(pidFile, 1, Duration.ofSeconds(5));
        }
        Pids.awaitAllEnded(Pids.read(pidFile), Duration.ofMillis(1500));
    }
}
