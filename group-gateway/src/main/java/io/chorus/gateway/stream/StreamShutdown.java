package io.chorus.gateway.stream;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Open SSE streams never finish by themselves, so graceful shutdown would wait its whole timeout
 * for them. Ending them first lets in-flight posts finish and clients resume elsewhere at once.
 */
@ApplicationScoped
public class StreamShutdown {

    private final Fanout fanout;

    public StreamShutdown(Fanout fanout) {
        this.fanout = fanout;
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        fanout.completeAll();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        fanout.completeAll();
    }
}
