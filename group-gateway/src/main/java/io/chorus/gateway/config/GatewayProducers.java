package io.chorus.gateway.config;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.gateway.bus.BusEvents;
import io.chorus.gateway.bus.BusProxy;
import io.chorus.gateway.client.DmClient;
import io.chorus.gateway.client.HistoryClient;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.client.LogReplay;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.repository.GroupRepository;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.Logs;
import io.chorus.gateway.stream.Memberships;
import io.chorus.gateway.stream.Streams;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Wires the gateway's plain classes, which know nothing of CDI, together. */
@ApplicationScoped
public class GatewayProducers {

    /** This gateway process's name on the bus (a restart is a new name, which is what is wanted). */
    static final String ORIGIN = java.util.UUID.randomUUID().toString();

    @Produces
    @Singleton
    Memberships memberships(GroupRepository repository) {
        Memberships memberships = new Memberships();
        memberships.load(repository.allMemberships());
        return memberships;
    }

    @Produces
    @Singleton
    Fanout fanout(Memberships memberships, MeterRegistry registry) {
        Fanout fanout = new Fanout(memberships);
        registry.gauge("chorus.stream.subscribers", fanout, Fanout::subscriberCount);
        return fanout;
    }

    @Produces
    @Singleton
    Logs logs(@RestClient HistoryClient history, @RestClient DmClient dms, Json json, Fanout fanout,
              MeterRegistry registry) {
        LogFollower groups = new LogFollower("group-log", new LogFollower.Source() {
            @Override
            public long head() {
                return history.head().position();
            }

            @Override
            public java.util.List<LiveEvent> after(long position, int limit) {
                return history.afterInAll(position, true, limit).messages().stream().map(json::event).toList();
            }
        }, fanout::deliver);
        LogFollower directMessages = new LogFollower("dm-log", new LogFollower.Source() {
            @Override
            public long head() {
                return dms.head().position();
            }

            @Override
            public java.util.List<LiveEvent> after(long position, int limit) {
                return dms.afterAll(position, true, limit).messages().stream().map(json::event).toList();
            }
        }, fanout::deliver);
        registry.gauge("chorus.bus.gap.filled", groups, LogFollower::filled);
        registry.gauge("chorus.bus.gap.filled.dm", directMessages, LogFollower::filled);
        return new Logs(groups, directMessages);
    }

    @Produces
    @Singleton
    BusEvents busEvents(Json json, Logs logs, Memberships memberships, Fanout fanout) {
        return new BusEvents(json, logs.groups(), logs.dms(), memberships, fanout, ORIGIN);
    }

    /** Joins and leaves go to every replica (this one included) through the bus publisher. */
    @Produces
    @Singleton
    Groups groups(GroupRepository repository, BusEvents busEvents, BusPublisher bus, Json json) {
        return new Groups(repository, change -> {
            // Applied here at once, so the caller's own streams follow before the response.
            busEvents.apply(change);
            bus.publish(new BusMessage(Topics.membership(change.group()), json.write(change.from(ORIGIN))));
        });
    }

    @Produces
    @Singleton
    @Startup
    BusProxy busProxy(GatewayConfig config, BusEvents busEvents, MeterRegistry registry) {
        return new BusProxy(config.bus().bindAddress(), config.bus().xsubPort(), config.bus().xpubPort(),
                (kind, count) -> registry.counter("chorus.bus.messages", "kind", kind).increment(count),
                busEvents::accept, BusEvents.TOPICS);
    }

    void closeProxy(@Disposes BusProxy proxy) {
        proxy.close();
    }

    @Produces
    @Singleton
    Streams streams(Fanout fanout, Memberships memberships, Logs logs, @RestClient HistoryClient history,
                    @RestClient DmClient dms, Json json, GatewayConfig config) {
        return new Streams(fanout, memberships, logs.groups(), logs.dms(), new LogReplay(history, dms, json),
                config.stream().bufferSize(), config.stream().maxReplay());
    }
}
