package io.chorus.common.bus;

import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

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
    BusPublisher busPublisher(BusConfig config, Config raw) {
        // The bus is authenticated (ZeroMQ CURVE): a publisher needs the proxy's public key and a
        // key pair of its own, whose public half the proxy admits. Public keys may be computed
        // from secret ones (BusKeys), so a bad key fails here, at start, by name.
        return new BusPublisher(config, BusKeys.serverPublicKey(raw), BusKeys.publisherKeys(raw));
    }

    void close(@Disposes BusPublisher publisher) {
        publisher.close();
    }
}
