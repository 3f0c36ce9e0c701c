package io.chorus.common.bus;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the PUB socket is up and connecting to the gateways' proxies. */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "chorus.bus.publisher", stringValue = "enabled")
public class BusPublisherReadiness implements HealthCheck {

    private final BusPublisher bus;

    public BusPublisherReadiness(BusPublisher bus) {
        this.bus = bus;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("zeromq-publisher")
                .status(bus.isConnected())
                .withData("endpoints", String.join(",", bus.endpoints()))
                .withData("unresolved", String.join(",", bus.unresolved()))
                .withData("addresses", String.join(",", bus.addresses()))
                .withData("published", bus.published())
                .withData("dropped", bus.dropped())
                .build();
    }
}
