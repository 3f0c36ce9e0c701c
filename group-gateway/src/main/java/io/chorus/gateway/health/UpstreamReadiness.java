package io.chorus.gateway.health;

import io.chorus.gateway.stream.LogTicker;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports an outage of the services behind the gateway, as the log ticker last saw them (it reads
 * both logs' heads every second). Without history-service the gateway can neither take a post, a
 * join nor a resume, so it is not ready; posts meanwhile still get a fast 503 from a gateway that
 * is asked. dm-service is reported, not required: its outage should not take groups down.
 */
@Readiness
@ApplicationScoped
public class UpstreamReadiness implements HealthCheck {

    private final LogTicker ticker;

    public UpstreamReadiness(LogTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("upstream-services")
                .status(ticker.reaches("history-service"))
                .withData("history-service", ticker.reaches("history-service") ? "reachable" : "unreachable")
                .withData("dm-service", ticker.reaches("dm-service") ? "reachable" : "unreachable")
                .build();
    }
}
