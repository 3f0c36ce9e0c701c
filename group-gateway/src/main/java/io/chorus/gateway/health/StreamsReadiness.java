package io.chorus.gateway.health;

import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.StreamDrain;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Down from the moment a stopping gateway starts draining its streams (before the first one
 * ends): a load balancer then sends it no new stream or post while it lets the open ones go.
 * Quarkus' own shutdown check goes down in the same phase, but in an order among its shutdown
 * listeners that nothing promises to be before the drain; this one is.
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {

    private final StreamDrain drain;
    private final Fanout fanout;

    public StreamsReadiness(StreamDrain drain, Fanout fanout) {
        this.drain = drain;
        this.fanout = fanout;
    }

    @Override
    public HealthCheckResponse call() {
        boolean draining = drain.isDraining();
        return HealthCheckResponse.named("streams")
                .status(!draining)
                .withData("draining", draining)
                .withData("open", fanout.subscriberCount())
                .build();
    }
}
