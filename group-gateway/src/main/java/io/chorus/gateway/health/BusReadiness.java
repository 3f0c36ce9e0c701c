package io.chorus.gateway.health;

import io.chorus.gateway.bus.BusProxy;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.Logs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the proxy's sockets are bound and the group log is being followed (its head is
 * known), so a stream opened now gets every later message. The DM log is reported, not
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
        return HealthCheckResponse.named("zeromq-bus")
                .status(proxy.isRunning() && logs.groups().isStarted())
                .withData("proxy", proxy.isRunning())
                .withData("groupLogFollowedFrom", logs.groups().last())
                .withData("dmLogFollowedFrom", logs.dms().last())
                .withData("subscribers", fanout.subscriberCount())
                .build();
    }
}
