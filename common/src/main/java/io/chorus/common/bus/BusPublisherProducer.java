package io.chorus.common.bus;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one bus publisher of a service that publishes (history-service, dm-service, the gateway):
 * they set {@code chorus.bus.publisher=enabled}; services that don't publish get no socket.
 */
@ApplicationScoped
@IfBuildProperty(name = "chorus.bus.publisher", stringValue = "enabled")
public class BusPublisherProducer {

    @Produces
    @Singleton
    @Startup
    BusPublisher busPublisher(BusConfig config) {
        String missing = "is required: the bus admits only publishers with a CURVE key pair it knows"
                + " (the run command generates them; a Secret in a cluster)";
        CurveKeyPair own = new CurveKeyPair(
                config.publicKey().orElseThrow(() -> new IllegalStateException("chorus.bus.public-key " + missing)),
                config.secretKey().orElseThrow(() -> new IllegalStateException("chorus.bus.secret-key " + missing)));
        String serverKey = config.serverKey()
                .orElseThrow(() -> new IllegalStateException("chorus.bus.server-key " + missing));
        return new BusPublisher(config.endpoints(), config.outboxCapacity(), serverKey, own);
    }

    void close(@Disposes BusPublisher publisher) {
        publisher.close();
    }
}
