package io.chorus.gateway.stream;

import io.chorus.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Open SSE streams never finish by themselves, so graceful shutdown would wait its whole timeout
 * for them. On SIGTERM the gateway drains them ({@link StreamDrain}) before Quarkus' shutdown
 * delay and its HTTP server's graceful stop: this observer holds the shutdown until the drain is
 * done (at most its budget), so posts in flight still finish within {@code quarkus.shutdown.timeout}
 * after it, and clients resume spread out, elsewhere or here once it is back.
 */
@ApplicationScoped
public class StreamShutdown {

    private static final Logger LOG = Logger.getLogger(StreamShutdown.class);
    /** Past the drain's own budget: its last tick, and a stream that was replaying a page. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final StreamDrain drain;
    private final Duration budget;

    public StreamShutdown(StreamDrain drain, GatewayConfig config) {
        this.drain = drain;
        this.budget = config.stream().drain().duration().plus(GRACE);
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        try {
            drain.start().get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("the stream drain took longer than %d ms; the rest end now", budget.toMillis());
            drain.finish();
        } catch (ExecutionException e) {
            drain.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drain.finish();
        }
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        drain.finish();
    }
}
