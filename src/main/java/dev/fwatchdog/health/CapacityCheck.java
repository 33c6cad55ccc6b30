package dev.fwatchdog.health;

import dev.fwatchdog.state.InFlight;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Down while max_inflight requests are running, so a load balancer sends the next one elsewhere (/_/ready: 429). */
@Readiness
@ApplicationScoped
public class CapacityCheck implements AsyncHealthCheck {

    public static final String NAME = "capacity";

    @Inject
    InFlight inFlight;

    @Override
    public Uni<HealthCheckResponse> call() {
        HealthCheckResponse response = inFlight.atCapacity()
                ? HealthCheckResponse.named(NAME).down()
                        .withData("reason", "max_inflight reached")
                        .withData("max_inflight", inFlight.max())
                        .build()
                : HealthCheckResponse.up(NAME);
        return Uni.createFrom().item(response);
    }
}
