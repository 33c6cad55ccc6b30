package dev.fwatchdog.process;

import dev.fwatchdog.config.Mode;
import dev.fwatchdog.config.Settings;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** afterburn mode: not ready while no worker is up (/_/ready: 503). */
@Readiness
@ApplicationScoped
public class WorkersCheck implements AsyncHealthCheck {

    public static final String NAME = "workers";

    @Inject
    Settings settings;

    @Inject
    WorkerPool pool;

    @Override
    public Uni<HealthCheckResponse> call() {
        boolean up = settings.mode() != Mode.AFTERBURN || pool.up() > 0;
        HealthCheckResponse response = up
                ? HealthCheckResponse.up(NAME)
                : HealthCheckResponse.named(NAME).down().withData("reason", "no afterburn worker is running").build();
        return Uni.createFrom().item(response);
    }
}
