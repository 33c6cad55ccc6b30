package dev.fwatchdog.upstream;

import java.net.URI;

import dev.fwatchdog.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.NetClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The function's own HTTP server in http mode: where it is, the client that calls it, and whether it has started
 * accepting connections yet (readiness waits for that, and so do calls that arrive before it).
 */
@Singleton
public class Upstream {

    /** Below Node's 5 s server idle timeout, so we never reuse a connection the function is closing. */
    private static final int KEEP_ALIVE_SECONDS = 4;
    /** Connections kept per event loop: enough for hundreds of concurrent calls (Vert.x's default is 5). */
    private static final int POOL_SIZE = 512;
    private static final long PROBE_INTERVAL_MILLIS = 50;

    private final Promise<Void> firstAccepted = Promise.promise();
    private HttpClient client;
    private NetClient probe;
    private String host;
    private int port;
    private String basePath;

    @Inject
    Vertx vertx;

    @Inject
    Settings settings;

    /** Starts watching for the function server: called once the function process has been started. */
    public void watch() {
        URI url = settings.upstreamUrl().orElseThrow();
        host = url.getHost();
        port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        String path = url.getRawPath();
        basePath = path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
        client = vertx.createHttpClient(new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setSsl("https".equals(url.getScheme()))
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
                .setDecompressionSupported(false)
                .setMaxInitialLineLength(16 * 1024)
                .setMaxHeaderSize(1024 * 1024), new PoolOptions().setHttp1MaxSize(POOL_SIZE));
        probe = vertx.createNetClient();
        tryConnect();
    }

    private void tryConnect() {
        probe.connect(port, host).onSuccess(socket -> {
            socket.close();
            probe.close();
            firstAccepted.tryComplete();
        }).onFailure(notYet -> vertx.setTimer(PROBE_INTERVAL_MILLIS, again -> tryConnect()));
    }

    /** Completes once the function server has accepted its first connection. */
    public Future<Void> accepting() {
        return firstAccepted.future();
    }

    public boolean hasAccepted() {
        return firstAccepted.future().succeeded();
    }

    public HttpClient client() {
        return client;
    }

    /** The path prefix of upstream_url, put before each call's path ("" for http://host:port). */
    public String basePath() {
        return basePath;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
