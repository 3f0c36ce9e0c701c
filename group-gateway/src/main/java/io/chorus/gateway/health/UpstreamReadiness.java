package io.chorus.gateway.health;

import io.chorus.gateway.stream.Logs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports an outage of the services behind the gateway, as their log followers last saw them
 * (the catch-up reads both logs' heads every catch-up interval; gap fills read pages in between).
 * Without history-service the gateway can neither take a post, a join nor a resume, so it is not ready; posts meanwhile still get a fast 503 from a gateway that
 * is asked. dm-service is reported, not required: its outage should not take groups down.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements HealthCheck {

    private final Logs logs;

    public UpstreamReadiness(Logs logs) {
        this.logs = logs;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("upstream-services")
                .status(logs.groups().isLogReachable())
                .withData("history-service", state(logs.groups().isLogReachable()))
                .withData("dm-service", state(logs.dms().isLogReachable()))
                .build();
    }

    private static String state(boolean reachable) {
        return reachable ? "reachable" : "unreachable";
    }
}
