package dev.fwatchdog.health;

import dev.fwatchdog.state.Serving;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Up while the watchdog accepts work and its lock file is in place: the whole of /_/health, the first rule of /_/ready. */
@Liveness
@Readiness
@ApplicationScoped
public class ServingCheck implements AsyncHealthCheck {

    public static final String NAME = "serving";

    @Inject
    Serving serving;

    @Inject
    LockFile lockFile;

    @Override
    public Uni<HealthCheckResponse> call() {
        String reason = !serving.healthy() ? "shutting down" : !lockFile.present() ? "lock file missing" : null;
        HealthCheckResponse response = reason == null
                ? HealthCheckResponse.up(NAME)
                : HealthCheckResponse.named(NAME).down().withData("reason", reason).build();
        return Uni.createFrom().item(response);
    }
}
