package io.chorus.dm.health;

import io.chorus.common.bus.BusPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the PUB socket is up and connecting to the gateways' proxies. */
@Readiness
@ApplicationScoped
public class BusReadiness implements HealthCheck {

    private final BusPublisher bus;

    public BusReadiness(BusPublisher bus) {
        this.bus = bus;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("zeromq-publisher")
                .status(bus.isConnected())
                .withData("endpoints", String.join(",", bus.endpoints()))
                .withData("published", bus.published())
                .withData("dropped", bus.dropped())
                .build();
    }
}
