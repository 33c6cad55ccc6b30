package dev.fwatchdog.upstream;

import dev.fwatchdog.config.Mode;
import dev.fwatchdog.config.Settings;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** http mode: not ready until the function's server accepts connections (of-watchdog answers ready at once). */
@Readiness
@ApplicationScoped
public class UpstreamCheck implements AsyncHealthCheck {

    public static final String NAME = "upstream";

    @Inject
    Settings settings;

    @Inject
    Upstream upstream;

    @Override
    public Uni<HealthCheckResponse> call() {
        boolean up = settings.mode() != Mode.HTTP || upstream.hasAccepted();
        HealthCheckResponse response = up
                ? HealthCheckResponse.up(NAME)
                : HealthCheckResponse.named(NAME).down().withData("reason", "function server not accepting yet").build();
        return Uni.createFrom().item(response);
    }
}
