package floor;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;

/**
 * The least a proxy can do on Quarkus: every request but the watchdog's health and readiness paths passed to
 * upstream_url (as bench/vs-go.sh configures a watchdog) with Vert.x' HTTP client, headers and body as they come,
 * the answer piped back; no timeouts, limits, metrics or log lines. The floor under the watchdog's http mode.
 */
public class Routes {

    void routes(@Observes Router router, Vertx vertx) {
        router.get("/_/health").handler(call -> call.response().end("OK"));
        router.get("/_/ready").handler(call -> call.response().end("OK"));
        String upstream = System.getenv().getOrDefault("upstream_url", "http://127.0.0.1:18090");
        RequestOptions target = new RequestOptions().setAbsoluteURI(upstream);
        HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(256));
        router.route().handler(call -> {
            HttpServerRequest request = call.request();
            HttpServerResponse response = call.response();
            request.pause();
            client.request(new RequestOptions(target).setMethod(request.method()).setURI(request.uri()))
                    .compose(out -> {
                        out.headers().setAll(request.headers());
                        return out.send(request);
                    })
                    .onSuccess(answer -> {
                        response.setStatusCode(answer.statusCode()).headers().setAll(answer.headers());
                        answer.pipeTo(response);
                    })
                    .onFailure(failed -> response.setStatusCode(502).end());
        });
    }
}
