package dev.fwatchdog.process;

import java.net.URLDecoder;
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
                env.putIfAbsent("Http_" + canonical(name), header.getValue());
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
        StringBuilder name = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            if (c == '-' || c == '_') {
                name.append('_');
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
                upper = false;
            }
        }
        return name.toString();
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
