package dev.fwatchdog.mode;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Which headers a proxied call passes on (WATCHDOG.md 4.4): every value of every header but the hop-by-hop ones, in
 * both directions, and the X-Forwarded-* headers the function server is told; and the function's status line.
 */
final class ProxyHeaders {

    /** RFC 9110 7.6.1: meant for one connection, never forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private ProxyHeaders() {
    }

    /** The headers of {@code from} that pass, each value given to {@code to}. */
    static void copy(MultiMap from, BiConsumer<String, String> to) {
        Set<String> dropped = hopByHop(from);
        from.forEach(header -> {
            if (!dropped.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                to.accept(header.getKey(), header.getValue());
            }
        });
    }

    /**
     * The function's status and reason phrase. The code's usual phrase is not set again: Vert.x makes a status
     * object for every phrase it is given.
     */
    static void status(HttpServerResponse response, int code, String reason) {
        response.setStatusCode(code);
        if (reason != null && !reason.isEmpty() && !reason.equals(response.getStatusMessage())) {
            response.setStatusMessage(reason);
        }
    }

    /** The headers a request to the function server carries: the client's that pass, and X-Forwarded-*. */
    static MultiMap toFunction(HttpServerRequest request) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        copy(request.headers(), headers::add);
        String host = request.getHeader(HttpHeaders.HOST);
        String client = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        if (client != null) {
            String forwardedFor = request.getHeader("X-Forwarded-For");
            headers.set("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        }
        if (host != null && !headers.contains("X-Forwarded-Host")) {
            headers.set("X-Forwarded-Host", host);
        }
        if (!headers.contains("X-Forwarded-Proto")) {
            headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
        }
        return headers;
    }

    /** The hop-by-hop headers of a message: the fixed set plus those its Connection header names. */
    static Set<String> hopByHop(MultiMap headers) {
        List<String> connectionHeaders = headers.getAll(HttpHeaders.CONNECTION);
        if (connectionHeaders.isEmpty()) {
            return HOP_BY_HOP;
        }
        Set<String> names = new HashSet<>(HOP_BY_HOP);
        for (String connection : connectionHeaders) {
            for (String name : connection.split(",")) {
                names.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }
}
