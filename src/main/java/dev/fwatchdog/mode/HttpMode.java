package dev.fwatchdog.mode;

import java.util.Locale;

import dev.fwatchdog.config.Settings;
import dev.fwatchdog.upstream.Upstream;
import io.quarkus.arc.lookup.LookupIfProperty;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * http: every call proxied to the function's own server (WATCHDOG.md 4.4), on the event loop, both bodies streamed
 * with back-pressure. Host, every header value, the client's Content-Length and the upstream's status come through;
 * hop-by-hop headers do not, in either direction ({@link ProxyHeaders}).
 */
@Singleton
@LookupIfProperty(name = "watchdog.mode", stringValue = "http")
public class HttpMode implements FunctionMode {

    @Inject
    Settings settings;

    @Inject
    Upstream upstream;

    @Inject
    WebSocketProxy webSockets;

    @Inject
    HeapBudget budget;

    @Override
    public void handle(Call call) {
        HttpServerRequest request = call.ctx().request();
        if ("websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
            webSockets.proxy(call);
            return;
        }
        Exchange exchange = new Exchange(call);
        call.startExecClock(ExecLimit.of(settings.execTimeout(), request), exchange::timedOut);
        if (isEventStream(request)) {
            // exec_timeout bounds only the wait for the function server: the stream itself may last.
            upstream.accepting().onSuccess(up -> call.stopExecClock());
        }
        // A client gone before the answer began: the upstream exchange left half-way is cut. (Once the answer
        // streams, the response pipe owns the response's exception handler and reports a client gone instead.)
        call.onClientGone(() -> {
            if (exchange.upstreamRequest != null) {
                exchange.abandon();
            }
        });
        request.pause();
        Future<Buffer> wholeBody = settings.bufferRequestBody() ? WholeBody.of(call, budget.share(call)) : null;
        upstream.accepting()
                .compose(up -> upstream.client().request(options(request)))
                .onSuccess(upstreamRequest -> exchange.send(upstreamRequest, wholeBody))
                .onFailure(exchange::failed);
    }

    /** Server-sent events and ndjson streams last as long as the function keeps them open: no exec_timeout. */
    private static boolean isEventStream(HttpServerRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        return accept != null && (accept.contains("text/event-stream") || accept.contains("application/x-ndjson"));
    }

    private RequestOptions options(HttpServerRequest request) {
        return new RequestOptions()
                .setMethod(request.method())
                .setURI(upstream.basePath() + request.uri())
                .setFollowRedirects(false)
                .setHeaders(ProxyHeaders.toFunction(request));
    }

    /** One proxied call: its two sides, and what to answer when something goes wrong. */
    private final class Exchange {
        private final Call call;
        private final RoutingContext ctx;
        private HttpClientRequest upstreamRequest;
        /** The upstream request has been ended: the whole body is on its way. */
        private boolean requestSent;
        /** The upstream response has been received in full. */
        private boolean responseReceived;

        Exchange(Call call) {
            this.call = call;
            this.ctx = call.ctx();
        }

        void send(HttpClientRequest upstreamRequest, Future<Buffer> wholeBody) {
            this.upstreamRequest = upstreamRequest;
            HttpServerRequest request = ctx.request();
            HttpServerResponse response = ctx.response();
            if (response.ended() || response.closed()) {
                abandon();
                return;
            }
            String host = request.getHeader(HttpHeaders.HOST);
            if (host != null) {
                upstreamRequest.authority(io.vertx.core.net.HostAndPort.parseAuthority(host, -1));
            }
            upstreamRequest.response().onSuccess(this::respond).onFailure(this::failed);
            if (wholeBody != null) {
                wholeBody.onSuccess(body -> {
                    requestSent = true;
                    upstreamRequest.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end(body);
                }).onFailure(unread -> abandon());
            } else if (request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                pipeBody(request);
            } else if (isChunked(request)) {
                upstreamRequest.setChunked(true);
                pipeBody(request);
            } else {
                requestSent = true;
                upstreamRequest.end();
                request.resume();
            }
        }

        /**
         * A client that hangs up mid-body must not end the upstream request: Vert.x' default pipe would end it,
         * leaving the function waiting for bytes that never come. The exchange is abandoned instead, which closes
         * that connection, also when the function had already answered (the connection is not reusable then).
         * The request is marked sent before it is ended, so that no later abandon closes a recycled connection.
         */
        private void pipeBody(HttpServerRequest request) {
            request.pipe().endOnSuccess(false).endOnFailure(false).to(upstreamRequest).onComplete(piped -> {
                if (piped.succeeded()) {
                    requestSent = true;
                    upstreamRequest.end();
                } else {
                    abandon();
                }
            });
        }

        private void respond(HttpClientResponse upstreamResponse) {
            HttpServerResponse response = ctx.response();
            if (response.ended() || response.closed()) {
                return;
            }
            ProxyHeaders.status(response, upstreamResponse.statusCode(), upstreamResponse.statusMessage());
            ProxyHeaders.copy(upstreamResponse.headers(), response.headers()::add);
            response.putHeader("X-Duration-Seconds", call.durationSeconds());
            if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH) && hasBody(upstreamResponse)) {
                response.setChunked(true);
            }
            upstreamResponse.end().onComplete(received -> responseReceived = received.succeeded());
            upstreamResponse.pipe().endOnSuccess(false).to(response).onSuccess(piped -> {
                call.ending();
                response.end();
            }).onFailure(broken -> {
                if (!response.closed()) {
                    call.abort("function server error: " + describe(broken));
                }
                abandon();
            });
        }

        private boolean hasBody(HttpClientResponse upstreamResponse) {
            int status = upstreamResponse.statusCode();
            return ctx.request().method() != HttpMethod.HEAD && status != 204 && status != 304 && status >= 200;
        }

        /** The function server could not be reached, or dropped the call. */
        void failed(Throwable cause) {
            HttpServerResponse response = ctx.response();
            if (response.ended()) {
                return;
            }
            if (response.closed()) {
                return;
            }
            if (response.headWritten()) {
                call.abort("function server error: " + describe(cause));
                return;
            }
            call.answer(502, "function server error: " + describe(cause));
        }

        /** Answers 504 first, then cancels the upstream call (whose failure then finds the call answered). */
        void timedOut() {
            HttpServerResponse response = ctx.response();
            if (response.headWritten()) {
                call.abort("exec_timeout");
            } else if (!response.closed()) {
                String waited = call.durationSeconds() + "s";
                call.answer(504, upstream.hasAccepted()
                        ? "function server did not answer within " + waited
                        : "function server did not start accepting connections within " + waited);
            }
            if (upstreamRequest != null) {
                abandon();
            }
        }

        /**
         * The call ends before both halves of the upstream exchange are complete (client gone, timeout): the
         * upstream connection is closed, since it is in an unknown state. A reset alone left some pooled connections
         * open and busy for good (bench/stress.sh found them). Once both halves are complete the connection is back
         * in the pool and may carry another call: it is left alone.
         */
        private void abandon() {
            if (!(requestSent && responseReceived)) {
                upstreamRequest.reset();
                upstreamRequest.connection().close();
            }
        }
    }

    private static boolean isChunked(HttpServerRequest request) {
        String encoding = request.getHeader(HttpHeaders.TRANSFER_ENCODING);
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
