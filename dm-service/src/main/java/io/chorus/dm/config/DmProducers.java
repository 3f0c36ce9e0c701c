package io.chorus.dm.config;

import io.chorus.common.bus.BusConfig;
import io.chorus.common.bus.BusPublisher;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

@ApplicationScoped
public class DmProducers {

    @Produces
    @ApplicationScoped
    @Startup
    BusPublisher busPublisher(BusConfig config) {
        return new BusPublisher(config.endpoints(), config.outboxCapacity());
    }

    void closeBus(@Disposes BusPublisher publisher) {
        publisher.close();
    }
}
