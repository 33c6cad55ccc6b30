package dev.fwatchdog.mode;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** static mode on src/test/resources/static-root, beside which lies a secret no request may read. */
@QuarkusTest
@TestProfile(StaticModeTest.Files.class)
class StaticModeTest {

    public static class Files implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("watchdog.mode", "static", "watchdog.static-path", "src/test/resources/static-root",
                    "watchdog.static-cache-control", "no-cache");
        }
    }

    @TestHTTPResource("/")
    URL root;

    @Test
    void rootAndDirectoriesServeTheirIndex() {
        given().get("/").then().statusCode(200).contentType(startsWith("text/html"))
                .body(equalTo("<!doctype html><title>home</title>\n"));
        given().get("/sub/").then().statusCode(200).body(equalTo("<p>sub</p>\n"));
        given().get("/style.css").then().statusCode(200).contentType(startsWith("text/css"));
    }

    /** As Go's http.FileServer: relative links in a directory's index.html must resolve against the directory. */
    @Test
    void directoriesWithoutTheirSlashAndIndexPagesByNameAreRedirected() {
        given().redirects().follow(false).get("/sub").then().statusCode(301).header("Location", "sub/");
        given().redirects().follow(false).urlEncodingEnabled(false).get("/sub?x=1&y=2").then().statusCode(301)
                .header("Location", "sub/?x=1&y=2");
        given().redirects().follow(false).get("/sub/index.html").then().statusCode(301).header("Location", "./");
        given().redirects().follow(false).get("/index.html").then().statusCode(301).header("Location", "./");
        given().get("/sub").then().statusCode(200).body(equalTo("<p>sub</p>\n"));
    }

    /** However the path is written, a redirect, resolved as a browser resolves it, stays on this site. */
    @Test
    void noRedirectLeavesTheSite() throws Exception {
        for (String path : List.of("//sub", "///sub", "/%2f%2fsub", "//sub/index.html", "/sub/..//sub")) {
            String location = given().redirects().follow(false).urlEncodingEnabled(false).get(path).then()
                    .extract().header("Location");
            if (location != null) {
                URI asked = URI.create(root.toString().replaceFirst("/$", "") + path);
                assertEquals(root.getHost(), asked.resolve(location).getHost(), path + " -> " + location);
            }
        }
    }

    @Test
    void missingAndHiddenFilesAre404() {
        given().get("/nope.html").then().statusCode(404);
        given().get("/.hidden").then().statusCode(404);
    }

    @Test
    void conditionalRequestsAndRanges() {
        Response first = given().get("/4k.txt");
        first.then().statusCode(200).header("Last-Modified", notNullValue()).header("ETag", notNullValue());
        given().header("If-None-Match", first.header("ETag")).get("/4k.txt").then().statusCode(304);
        given().header("If-Modified-Since", first.header("Last-Modified")).get("/4k.txt").then().statusCode(304);
        given().header("Range", "bytes=0-9").get("/4k.txt").then().statusCode(206)
                .header("Content-Range", "bytes 0-9/4096").body(equalTo("aaaaaaaaaa"));
        given().head("/4k.txt").then().statusCode(200).header("Content-Length", "4096").body(emptyString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "/../static-secret.txt", "/%2e%2e/static-secret.txt", "/..%2fstatic-secret.txt",
            "/%252e%252e/static-secret.txt", "/..%5cstatic-secret.txt", "/sub/../../static-secret.txt",
            "/%2e%2e%2fstatic-secret.txt", "/leak.txt", "//leak.txt", "/src/test/resources/static-secret.txt" })
    void nothingOutsideTheRootIsServed(String path) throws Exception {
        // A raw socket: HTTP clients tidy paths like these before sending them.
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertFalse(answer.contains("SECRET OUTSIDE THE ROOT"), path + " leaked:\n" + answer);
            assertTrue(answer.startsWith("HTTP/1.1 404") || answer.startsWith("HTTP/1.1 400"), path + ":\n" + answer);
        }
    }

    @Test
    void smallFilesFromMemoryCarryStaticHandlersHeaders() {
        // A plain GET is answered from memory; an If-Modified-Since from long ago goes through StaticHandler.
        Response kept = given().get("/4k.txt");
        Response handled = given().header("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").get("/4k.txt");
        kept.then().statusCode(200).body(equalTo(handled.asString()));
        handled.then().statusCode(200);
        for (String header : new String[] { "Content-Type", "Content-Length", "Last-Modified", "ETag", "Accept-Ranges",
                "Cache-Control", "Vary" }) {
            org.junit.jupiter.api.Assertions.assertEquals(handled.header(header), kept.header(header), header);
        }
        kept.then().header("Date", notNullValue());
    }

    @Test
    void cacheControlIsTheConfiguredOne() {
        given().get("/4k.txt").then().statusCode(200).header("Cache-Control", "no-cache");
    }

    @Test
    void precompressedFilesForClientsThatAcceptGzip() {
        given().header("Accept-Encoding", "gzip").get("/style.css").then().statusCode(200)
                .header("Content-Encoding", "gzip")
                .header("Vary", "accept-encoding")
                .contentType(startsWith("text/css"))
                .body(equalTo("body { color: black; }\n"));
    }

    @Test
    void plainFilesForClientsThatDoNotAcceptGzip() throws Exception {
        // The JDK client sends no Accept-Encoding (RestAssured always offers gzip).
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(root.toURI().resolve("/style.css")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(200, response.statusCode());
        assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
        org.junit.jupiter.api.Assertions.assertEquals("body { color: black; }\n", response.body());
    }

    @Test
    void noSinglePageFallbackUnlessAskedFor() {
        given().accept("text/html").get("/app/route").then().statusCode(404);
    }

    @Test
    void filesInsideTheRootStillServeThroughOddButHarmlessPaths() {
        given().urlEncodingEnabled(false).get("/sub/../style.css").then().statusCode(200)
                .body(not(emptyString()));
    }
}
