package io.chorus.gateway.health;

import io.chorus.gateway.bus.BusProxy;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.Logs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the proxy's sockets are bound, its threads (ZeroMQ's own included) alive and its
 * loop not failing turn after turn, and the group log is being followed (its head is known), so
 * a stream opened now gets every later message live. The DM log is reported, not
 * required: a dm-service outage should not take group messaging out of service.
 */
@Readiness
@ApplicationScoped
public class BusReadiness implements HealthCheck {

    private final BusProxy proxy;
    private final Logs logs;
    private final Fanout fanout;

    public BusReadiness(BusProxy proxy, Logs logs, Fanout fanout) {
        this.proxy = proxy;
        this.logs = logs;
        this.fanout = fanout;
    }

    @Override
    public HealthCheckResponse call() {
        String failure = proxy.failure();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("zeromq-bus")
                .status(failure == null && logs.groups().isStarted())
                .withData("proxy", failure == null);
        if (failure != null) {
            response.withData("proxyFailure", failure);
        }
        return response
                .withData("groupLogFollowedFrom", logs.groups().last())
                .withData("dmLogFollowedFrom", logs.dms().last())
                .withData("subscribers", fanout.subscriberCount())
                .build();
    }
}
