package io.chorus.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import io.quarkus.runtime.configuration.MemorySize;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    Bus bus();

    Stream stream();

    Presence presence();

    interface Presence {

        /** How often a replica shares its online users with the others and announces changes. */
        @WithDefault("PT2S")
        Duration interval();

        /**
         * Groups with more members than this get no {@code presence} events (their presence is
         * still answered by {@code GET /api/groups/{g}/presence}): each change would go to every
         * member, so a large group coming online costs members² events.
         */
        @WithDefault("100")
        int maxGroupSize();
    }

    interface Bus {

        /** Interface the proxy binds on; "*" for all (pods), 127.0.0.1 for a laptop. */
        @WithDefault("*")
        String bindAddress();

        /** XSUB port: history-service and dm-service publish here. */
        @WithDefault("5557")
        int xsubPort();

        // The proxy's CURVE secret key (chorus.curve.proxy-secret-key) and the publishers it admits,
        // by service (public keys in chorus.curve.allowed-keys.<service>, and/or secret keys in
        // chorus.curve.allowed-secret-keys.<service>, whose public halves are computed) are read raw by common's BusKeys.
        // ZMTP heartbeats on the XSUB socket: chorus.bus.heartbeat-interval/-timeout (common's BusConfig).

        /**
         * How often the gateway compares what it delivered with the logs' heads. The bus is fast
         * but may drop (slow joiner, high-water mark); this bounds how late a dropped message is.
         */
        @WithDefault("PT1S")
        Duration catchUpInterval();
    }

    interface Stream {

        /** Comment line sent on idle streams so proxies keep them open (most cut at 60 s). */
        @WithDefault("PT15S")
        Duration heartbeat();

        /** Events buffered per subscriber; a subscriber this far behind is cut off and resumes. */
        @WithDefault("1024")
        int bufferSize();

        /**
         * Bytes of events queued per subscriber (with {@link #bufferSize()}, whichever comes
         * first): a queue of the largest messages would otherwise hold 1024 × 16 KiB.
         */
        @WithDefault("2M")
        MemorySize queueSize();

        /** Most missed events replayed on one connection; past it the stream ends and the client resumes. */
        @WithDefault("10000")
        int maxReplay();

        /** Entries per replay page: a resume reads the log a page at a time, as its connection drains. */
        @WithDefault("200")
        int replayPageEvents();

        /** Text per replay page (and one entry more): 16 pages of the largest messages, 256 KiB, not 200 × 16 KiB. */
        @WithDefault("256K")
        MemorySize replayPageSize();

        /**
         * Heap all replay pages may take at once; resuming streams past it wait their turn.
         * Unset: a quarter of the maximum heap.
         */
        Optional<MemorySize> replayMemory();

        /** A connection that takes nothing this long is dropped (its client resumes): what it was sent is freed. */
        @WithDefault("PT60S")
        Duration stallTimeout();

        /**
         * Streams this gateway holds at once; past it, 503 with Retry-After. Unset: sized to the
         * heap, one stream per {@link #heapPerStream()} of the maximum heap.
         */
        Optional<Integer> capacity();

        /**
         * Heap set aside per stream when the capacity is derived. An idle stream takes about 7 KiB
         * (docs/performance.md); the rest is room for what streams queue and the gateway's own work.
         * With the run command's 256 MiB heap this holds 20,000 streams.
         */
        @WithDefault("12K")
        MemorySize heapPerStream();

        /** Streams one user may hold on this gateway (429 past it); off with CHORUS_LIMITS=off. */
        @WithDefault("20")
        int perUser();

        /**
         * The reconnection time each stream tells its client (SSE {@code retry:}, sent when it
         * opens and again right before a draining gateway ends it): this, plus a random share of
         * {@link #retryJitter()} drawn per stream.
         */
        @WithDefault("PT1S")
        Duration retry();

        /**
         * The window the streams' {@code retry:} values spread over: clients whose streams end
         * together (a gateway stopping or dying) come back over this long, not in one instant.
         */
        @WithDefault("PT2S")
        Duration retryJitter();

        Drain drain();
    }

    /** How a stopping gateway (SIGTERM) ends its streams; docs/operations.md. */
    interface Drain {

        /**
         * Streams ended per second at most, each after a {@code retry:}, so their clients do not
         * all reconnect at once (unless {@link #duration()} needs a faster pace).
         */
        @WithDefault("4000")
        int rate();

        /**
         * The most the drain takes: by then every stream has ended. Part of the shutdown budget,
         * with quarkus.shutdown.delay and quarkus.shutdown.timeout after it (the chart's
         * terminationGracePeriodSeconds covers the preStop pause and all three).
         */
        @WithDefault("PT5S")
        Duration duration();

        /** How often a batch of streams is ended while draining. */
        @WithDefault("PT0.05S")
        Duration tick();
    }
}
