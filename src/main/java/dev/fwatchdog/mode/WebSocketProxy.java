package dev.fwatchdog.mode;

import java.util.Locale;
import java.util.Set;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import dev.fwatchdog.upstream.Upstream;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * http mode's websocket upgrades: the watchdog connects to the function server first, so a refusal is still a plain
 * 502, then upgrades the client and relays frames both ways, text staying text, until either side closes. No
 * exec_timeout: a websocket lasts as long as its two ends want.
 */
@Singleton
public class WebSocketProxy {

    @Inject
    Upstream upstream;

    public void proxy(Call call) {
        HttpServerRequest request = call.ctx().request();
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setURI(upstream.basePath() + request.uri());
        Set<String> dropped = ProxyHeaders.hopByHop(request.headers());
        request.headers().forEach(header -> {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("sec-websocket-protocol")) {
                for (String protocol : header.getValue().split(",")) {
                    options.addSubProtocol(protocol.trim());
                }
            } else if (!dropped.contains(name) && !name.startsWith("sec-websocket-")) {
                options.addHeader(header.getKey(), header.getValue());
            }
        });
        upstream.accepting()
                .compose(up -> upstream.client().webSocket(options))
                .onSuccess(toFunction -> request.toWebSocket()
                        .onSuccess(toClient -> relay(toClient, toFunction))
                        .onFailure(failed -> toFunction.close()))
                .onFailure(failed -> call.answer(502, "function server refused the websocket: " + failed.getMessage()));
    }

    private static void relay(ServerWebSocket client, WebSocket function) {
        client.frameHandler(function::writeFrame);
        function.frameHandler(client::writeFrame);
        client.closeHandler(closed -> function.close());
        function.closeHandler(closed -> client.close());
        client.exceptionHandler(broken -> function.close());
        function.exceptionHandler(broken -> client.close());
    }
}
