package dev.fwatchdog.process;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.http.HttpServerRequest;

/**
 * The request, as environment variables for a forked function (WATCHDOG.md 4.1): {@code Http_X_Custom_Header} for
 * each header (first value), {@code Http_Method}, {@code Http_Path}, {@code Http_Query}. Values are data in the
 * child's environment, never seen by a shell.
 */
public final class CgiEnvironment {

    private CgiEnvironment() {
    }

    public static Map<String, String> of(HttpServerRequest request) {
        Map<String, String> env = new HashMap<>();
        request.headers().forEach(header -> {
            String name = header.getKey();
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("transfer-encoding")) {
                env.putIfAbsent("Http_" + canonical(name), asSent(header.getValue()));
            }
        });
        String transferEncoding = request.getHeader("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            env.put("Http_Transfer_Encoding", "chunked");
        }
        env.put("Http_Method", request.method().name());
        String path = request.path();
        env.put("Http_Path", path == null || path.isEmpty() ? "/" : decode(path));
        String query = request.query();
        if (query != null && !query.isEmpty()) {
            env.put("Http_Query", query);
        }
        return env;
    }

    /** Go's canonical header form with '-' turned into '_': {@code x-custom-header} → {@code X_Custom_Header}. */
    static String canonical(String header) {
        return canonical(header, true);
    }

    /** Go's canonical header form, {@code x-custom-header} → {@code X-Custom-Header}, as HTTP/1.1 peers spell it. */
    public static String canonicalHeader(String header) {
        return canonical(header, false);
    }

    private static String canonical(String header, boolean forEnvironment) {
        StringBuilder name = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            if (c == '-' || (forEnvironment && c == '_')) {
                name.append(forEnvironment ? '_' : '-');
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            }
        }
        return name.toString();
    }

    /**
     * A header value as the client's bytes meant it. Netty reads each byte of a header as one character (Latin-1);
     * the environment is written in UTF-8, so a UTF-8 value ("café") would reach the function encoded twice. Go passes
     * the bytes through: a value that is valid UTF-8 is read as such; anything else stays as Netty read it.
     */
    static String asSent(String value) {
        if (value.chars().allMatch(c -> c < 0x80)) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1))).toString();
        } catch (CharacterCodingException notUtf8) {
            return value;
        }
    }

    /** Percent-decoding as Go's URL.Path has it; '+' stays '+' in a path. */
    private static String decode(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return path;
        }
    }
}
