package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.fwatchdog.support.Clients;
import dev.fwatchdog.support.WatchdogProcess;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** http mode against a real function server (support/TestUpstream, a separate JVM started as fprocess). */
@QuarkusTest
@TestProfile(HttpModeTest.Proxying.class)
class HttpModeTest {

    public static class Proxying implements QuarkusTestProfile {
        static final int UPSTREAM_PORT = WatchdogProcess.freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.mode", "http",
                    "watchdog.function-process", "java -cp target/test-classes dev.fwatchdog.support.TestUpstream "
                            + UPSTREAM_PORT,
                    "watchdog.upstream-url", "http://127.0.0.1:" + UPSTREAM_PORT,
                    "watchdog.exec-timeout", "3s");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Inject
    Vertx vertx;

    @BeforeEach
    void upstreamReady() throws InterruptedException {
        for (int i = 0; i < 300 && given().get("/_/ready").statusCode() != 200; i++) {
            Thread.sleep(50);
        }
        given().get("/_/ready").then().statusCode(200);
    }

    private static List<String> seen(Response response) {
        return response.then().statusCode(200).extract().asString().lines().toList();
    }

    @Test
    void requestComesThroughWithHostHeadersAndQuery() {
        List<String> seen = seen(given().urlEncodingEnabled(false)
                .header("Host", "fn.example:8080")
                .header("X-Custom", "custom value")
                .header("X-Multi", "one")
                .header("X-Multi", "two")
                .get("/headers?x=1&y=a%20b"));
        assertTrue(seen.contains("Method: GET"), seen.toString());
        assertTrue(seen.contains("URI: /headers?x=1&y=a%20b"), seen.toString());
        assertTrue(seen.contains("host: fn.example:8080"), seen.toString());
        assertTrue(seen.contains("x-custom: custom value"), seen.toString());
        assertTrue(seen.contains("x-multi: one"), seen.toString());
        assertTrue(seen.contains("x-multi: two"), seen.toString());
        assertTrue(seen.contains("x-forwarded-host: fn.example:8080"), seen.toString());
        assertTrue(seen.contains("x-forwarded-proto: http"), seen.toString());
        assertTrue(seen.stream().anyMatch(line -> line.startsWith("x-forwarded-for: 127.0.0.1")), seen.toString());
    }

    /** As of-watchdog (Go's 1 MB MaxHeaderBytes): a 10 KB query and a 100 KB header reach the function server. */
    @Test
    void longQueriesAndBigHeadersComeThrough() {
        String query = "q=" + "a".repeat(10_000);
        String cookie = "c".repeat(100_000);
        List<String> seen = seen(given().urlEncodingEnabled(false).header("Cookie", cookie).get("/headers?" + query));
        assertTrue(seen.contains("URI: /headers?" + query), "10 KB query");
        assertTrue(seen.contains("cookie: " + cookie), "100 KB header");
    }

    @Test
    void hopByHopRequestHeadersStayBehind() {
        List<String> seen = seen(given()
                .header("Connection", "keep-alive, X-Secret")
                .header("X-Secret", "only for this hop")
                .header("Keep-Alive", "timeout=5")
                .header("TE", "trailers")
                .header("Proxy-Authorization", "Basic eDp5")
                .header("X-End-To-End", "kept")
                .get("/headers"));
        assertTrue(seen.contains("x-end-to-end: kept"), seen.toString());
        for (String name : new String[] { "x-secret", "keep-alive", "te", "proxy-authorization" }) {
            assertFalse(seen.stream().anyMatch(line -> line.startsWith(name + ":")), name + " forwarded: " + seen);
        }
    }

    @Test
    void clientsContentLengthIsKept() {
        List<String> seen = seen(given().body(new byte[1000]).post("/headers"));
        assertTrue(seen.contains("content-length: 1000"), seen.toString());
        assertTrue(seen.contains("body-bytes: 1000"), seen.toString());
        assertFalse(seen.stream().anyMatch(line -> line.startsWith("transfer-encoding")), seen.toString());
    }

    @Test
    void chunkedRequestsStayChunked() throws Exception {
        HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(root.toURI().resolve("/headers"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[5000])))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.body().contains("transfer-encoding: chunked"), response.body());
        assertTrue(response.body().contains("body-bytes: 5000"), response.body());
    }

    @Test
    void responseHeadersKeepEveryValue() {
        Response response = given().get("/cookies");
        response.then().statusCode(200).body(equalTo("cookies"))
                .header("X-Duration-Seconds", matchesPattern("\\d+\\.\\d{6}"));
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/"), response.headers().getValues("Set-Cookie"));
        assertEquals(List.of("one", "two"), response.headers().getValues("X-Multi"));
    }

    @Test
    void hopByHopResponseHeadersStayBehind() {
        given().get("/hop").then().statusCode(200)
                .header("X-End-To-End", "kept")
                .header("Keep-Alive", nullValue())
                .header("Proxy-Authenticate", nullValue())
                .header("Trailer", nullValue());
    }

    @Test
    void statusesComeThroughAndRedirectsAreNotFollowed() {
        given().get("/status?code=418").then().statusCode(418).body(equalTo("status 418"));
        given().get("/status?code=503").then().statusCode(503).body(equalTo("status 503"));
        given().redirects().follow(false).get("/redirect").then().statusCode(302).header("Location", "/elsewhere");
    }

    @Test
    void execTimeoutIs504() {
        long start = System.nanoTime();
        given().get("/slow?ms=6000").then().statusCode(504)
                .header("X-OpenFaaS-Internal", "of-watchdog")
                .header("X-Duration-Seconds", matchesPattern("\\d+\\.\\d{6}"))
                .body(containsString("did not answer within"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        // the function answers after 6 s: a 504 is exec_timeout's, and it must not come early
        assertTrue(millis >= 2900, "504 after " + millis + " ms, exec_timeout 3s");
    }

    @Test
    void xTimeoutShortensButNeverLengthens() {
        // exec_timeout is 3 s: a 504 for a 2 s answer is X-Timeout's
        long start = System.nanoTime();
        given().header("X-Timeout", "500ms").get("/slow?ms=2000").then().statusCode(504)
                .header("X-OpenFaaS-Internal", "of-watchdog");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 450, "504 after " + millis + " ms with X-Timeout 500ms");
        // a bare number is no Go duration: of-watchdog ignores it, so the 1.5 s answer comes
        given().header("X-Timeout", "1").get("/slow?ms=1500").then().statusCode(200);
        // a 504 for a 6 s answer with X-Timeout 10s: exec_timeout still holds
        given().header("X-Timeout", "10s").get("/slow?ms=6000").then().statusCode(504);
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        // Far more than every buffer on the way holds, and well inside this profile's 3 s exec_timeout: 64 MiB took
        // close to 3 s on a busy 2-core machine and was cut by it once in CI.
        byte[] body = new byte[24 * 1024 * 1024];
        new Random(7).nextBytes(body);
        assertArrayEquals(body, Clients.echo(vertx, root, "/echo", body));
    }

    @Test
    void serverSentEventsArriveAsTheyAreWritten() throws Exception {
        List<Clients.TimedLine> events = Clients.timedLines(HttpRequest.newBuilder(root.toURI().resolve("/events"))
                .header("Accept", "text/event-stream").build()).stream()
                .filter(line -> line.text().startsWith("data: ")).toList();
        assertEquals(3, events.size());
        long spread = Clients.spreadMillis(events);
        assertTrue(spread >= 600, "events arrived within " + spread + " ms: buffered, not streamed");
    }

    @Test
    void headersAnsweredAlsoForHead() {
        given().head("/cookies").then().statusCode(200).header("X-Duration-Seconds", notNullValue());
    }
}
