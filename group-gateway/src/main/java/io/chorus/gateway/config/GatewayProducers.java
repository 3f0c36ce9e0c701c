package io.chorus.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.UnixOperatingSystemMXBean;
import io.agroal.api.AgroalDataSource;
import io.chorus.common.bus.BusConfig;
import io.chorus.common.bus.BusKeys;
import io.chorus.common.bus.BusPublisher.Heartbeat;
import io.chorus.common.limits.LimitsSwitch;
import io.chorus.common.limits.TypingThrottle;
import io.chorus.common.message.MessageText;
import io.chorus.gateway.bus.BusEvents;
import io.chorus.gateway.bus.BusMeter;
import io.chorus.gateway.bus.BusProxy;
import io.chorus.gateway.client.DmClient;
import io.chorus.gateway.client.GroupPosts;
import io.chorus.gateway.client.HistoryClient;
import io.chorus.gateway.client.HistoryMembershipLog;
import io.chorus.gateway.client.HistoryPostCalls;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.client.RemoteDmLog;
import io.chorus.gateway.client.RemoteGroupLog;
import io.chorus.gateway.group.Groups;
import io.chorus.gateway.group.MembershipProjection;
import io.chorus.gateway.repository.GroupRepository;
import io.chorus.gateway.repository.PresenceRepository;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.GatheredReplays;
import io.chorus.gateway.stream.LiveEvent;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.Logs;
import io.chorus.gateway.stream.MembershipFeed;
import io.chorus.gateway.stream.Memberships;
import io.chorus.gateway.stream.Presence;
import io.chorus.gateway.stream.Replay;
import io.chorus.gateway.stream.ReplayPage;
import io.chorus.gateway.stream.ReplayRoom;
import io.chorus.gateway.stream.RetryWindow;
import io.chorus.gateway.stream.StreamDrain;
import io.chorus.gateway.stream.StreamAdmission;
import io.chorus.gateway.stream.StreamBounds;
import io.chorus.gateway.stream.Streams;
import io.chorus.gateway.stream.TypingFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Wires the gateway's plain classes, which know nothing of CDI, together. */
@ApplicationScoped
public class GatewayProducers {

    @Produces
    @Singleton
    MembershipProjection membershipProjection(GroupRepository repository, Json json) {
        return new MembershipProjection(repository, json);
    }

    void closeProjection(@Disposes MembershipProjection projection) {
        projection.close();
    }

    /** Starts from the table; the group follower's start brings it up to the log's head. */
    @Produces
    @Singleton
    Memberships memberships(MembershipProjection projection, MeterRegistry registry) {
        Memberships memberships = new Memberships();
        memberships.load(projection.snapshot().membersByGroup());
        // About 100 bytes of heap each (docs/operations.md): what an operator sizes the heap by.
        registry.gauge("chorus.memberships.held", memberships, Memberships::size);
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
    MembershipFeed membershipFeed(Memberships memberships, Fanout fanout, MembershipProjection projection,
                                  Presence presence) {
        return new MembershipFeed(memberships, fanout, projection, presence);
    }

    @Produces
    @Singleton
    RemoteGroupLog remoteGroupLog(@RestClient HistoryClient history, Json json, MembershipFeed feed) {
        return new RemoteGroupLog(history, json, feed);
    }

    @Produces
    @Singleton
    RemoteDmLog remoteDmLog(@RestClient DmClient dms, Json json) {
        return new RemoteDmLog(dms, json);
    }

    @Produces
    @Singleton
    Logs logs(RemoteGroupLog groupLog, RemoteDmLog dmLog, MembershipFeed feed, Fanout fanout, MeterRegistry registry) {
        LogFollower groups = new LogFollower("group-log", groupLog, feed);
        LogFollower directMessages = new LogFollower("dm-log", dmLog, fanout::deliver);
        registry.gauge("chorus.bus.gap.filled", groups, LogFollower::filled);
        registry.gauge("chorus.bus.gap.filled.dm", directMessages, LogFollower::filled);
        return new Logs(groups, directMessages);
    }

    /**
     * Presence shared by the replicas through their database: a replica's users count while its
     * heartbeat (every sync, 2 s) is under 15 s old, so a dead replica's users go offline within
     * about 17 s; its rows are deleted after 10 minutes.
     */
    @Produces
    @Singleton
    Presence presence(AgroalDataSource dataSource, Fanout fanout, Memberships memberships, Json json, GatewayConfig config) {
        return new Presence(new PresenceRepository(dataSource, Duration.ofSeconds(15), Duration.ofMinutes(10)), fanout,
                memberships, json::write, Clock.systemUTC(), config.presence().maxGroupSize());
    }

    /** Typing accepted from this gateway's callers (one per member and group every 2 s). */
    @Produces
    @Singleton
    TypingThrottle typingThrottle() {
        return new TypingThrottle();
    }

    @Produces
    @Singleton
    BusEvents busEvents(Json json, Logs logs, Fanout fanout) {
        return new BusEvents(json, logs.groups(), logs.dms(), new TypingFeed(fanout, json::write, new TypingThrottle()));
    }

    @Produces
    @Singleton
    Groups groups(GroupRepository repository, Memberships memberships, @RestClient HistoryClient history, Logs logs,
                  MembershipProjection projection) {
        return new Groups(repository, memberships, new HistoryMembershipLog(history, logs.groups(), projection));
    }

    /**
     * Posts to history-service, batched while a call is out. 256 a call keeps a batch's commit
     * well inside the client's read timeout; past 10,000 waiting, posts get a 503 at once.
     */
    @Produces
    @Singleton
    GroupPosts groupPosts(HistoryPostCalls calls, MeterRegistry registry) {
        GroupPosts posts = new GroupPosts(calls, 256, 10_000);
        registry.gauge("chorus.posts.waiting", posts, GroupPosts::waiting);
        return posts;
    }

    // Closed before the REST client goes: queued posts are sent, or answered 503, not dropped.
    void closePosts(@Disposes GroupPosts posts) {
        posts.close();
    }

    /** The post path's internal call, with history-service's URL and timeouts as the REST client has them. */
    @Produces
    @Singleton
    HistoryPostCalls historyPostCalls(Vertx vertx, ObjectMapper mapper,
                                      @ConfigProperty(name = "quarkus.rest-client.history.url") String url,
                                      @ConfigProperty(name = "chorus.internal.credential") String credential,
                                      @ConfigProperty(name = "quarkus.rest-client.history.connect-timeout") long connectMillis,
                                      @ConfigProperty(name = "quarkus.rest-client.history.read-timeout") long readMillis) {
        return new HistoryPostCalls(vertx, mapper, url, credential, Duration.ofMillis(connectMillis),
                Duration.ofMillis(readMillis));
    }

    void closeHistoryPostCalls(@Disposes HistoryPostCalls calls) {
        calls.close();
    }

    @Produces
    @Singleton
    @Startup
    BusProxy busProxy(GatewayConfig config, BusConfig bus, Config raw, BusEvents busEvents, MeterRegistry registry) {
        // Counters kept by tag: the proxy loop counts every message, and a registry lookup each time is not free.
        Map<String, Counter> passed = new ConcurrentHashMap<>();
        Map<String, Counter> refused = new ConcurrentHashMap<>();
        BusMeter meter = new BusMeter() {
            @Override
            public void passed(String kind) {
                passed.computeIfAbsent(kind, k -> registry.counter("chorus.bus.messages", "kind", k)).increment();
            }

            @Override
            public void refused(String reason) {
                refused.computeIfAbsent(reason, r -> registry.counter("chorus.bus.refused", "reason", r)).increment();
            }
        };
        return new BusProxy(config.bus().bindAddress(), config.bus().xsubPort(), BusKeys.require(raw, BusKeys.PROXY_SECRET_KEY),
                BusKeys.admittedPublishers(raw), new Heartbeat(bus.heartbeatInterval(), bus.heartbeatTimeout()),
                meter, busEvents::accept, BusEvents.TOPICS);
    }

    void closeProxy(@Disposes BusProxy proxy) {
        proxy.close();
    }

    @Produces
    @Singleton
    StreamAdmission streamAdmission(GatewayConfig config, LimitsSwitch limits, MeterRegistry registry) {
        int capacity = config.stream().capacity().orElseGet(() -> derivedCapacity(config.stream().heapPerStream().asLongValue()));
        StreamAdmission admission = new StreamAdmission(capacity, limits.perUserLimits() ? config.stream().perUser() : 0,
                replayPages(config.stream()));
        registry.gauge("chorus.stream.capacity", admission, StreamAdmission::capacity);
        registry.gauge("chorus.stream.open", admission, StreamAdmission::open);
        registry.gauge("chorus.stream.replay.pages", admission.replayRoom(), ReplayRoom::taken);
        registry.gauge("chorus.stream.replay.waiting", admission.replayRoom(), ReplayRoom::waiting);
        return admission;
    }

    /**
     * The largest a replay page costs in heap: its text bound and one more entry of the largest
     * text, each held as a Java string (up to two bytes a UTF-16 unit, four for a code point out
     * of the BMP) and again as its encoded frame, with the entries' other fields.
     */
    static long replayPageCost(GatewayConfig.Stream stream) {
        long largestEntry = 4L * MessageText.MAX_CHARACTERS + 1024;
        long text = stream.replayPageSize().asLongValue() + largestEntry;
        return 3 * text + stream.replayPageEvents() * 1024L;
    }

    static int replayPages(GatewayConfig.Stream stream) {
        long memory = stream.replayMemory().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 4);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, memory / replayPageCost(stream)));
    }

    /** How long a resuming stream waits for others resuming from the same cursor to share its read. */
    private static final Duration REPLAY_GATHERING = Duration.ofMillis(25);

    /** File descriptors kept for everything but streams: jars, the database pool, the bus, upstream calls. */
    private static final long DESCRIPTORS_KEPT = 1000;

    /**
     * As many streams as the heap holds at {@code heapPerStream} each, and never more than the
     * process may open sockets for (a stream is one): past either, 503 rather than an
     * OutOfMemoryError or connections the kernel can no longer accept.
     */
    static int derivedCapacity(long heapPerStream) {
        long byHeap = Runtime.getRuntime().maxMemory() / heapPerStream;
        long byDescriptors = Long.MAX_VALUE;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            byDescriptors = unix.getMaxFileDescriptorCount() - DESCRIPTORS_KEPT;
        }
        return (int) Math.max(100, Math.min(Integer.MAX_VALUE, Math.min(byHeap, byDescriptors)));
    }

    @Produces
    @Singleton
    Streams streams(Fanout fanout, Memberships memberships, Logs logs, RemoteGroupLog groupLog, RemoteDmLog dmLog,
                    GatewayConfig config, StreamAdmission admission, Presence presence, RetryWindow retry) {
        GatewayConfig.Stream stream = config.stream();
        int pageEvents = stream.replayPageEvents();
        int pageBytes = (int) Math.min(Integer.MAX_VALUE, stream.replayPageSize().asLongValue());
        GatheredReplays gathered = new GatheredReplays(
                (groups, after) -> groupLog.replayPage(groups, after, pageEvents, pageBytes), REPLAY_GATHERING);
        Replay replay = new Replay() {
            @Override
            public Uni<ReplayPage> groupPage(List<String> groups, long after) {
                return gathered.groupPage(groups, after);
            }

            @Override
            public Uni<ReplayPage> dmPage(String user, long after) {
                return dmLog.replayPage(user, after, pageEvents, pageBytes);
            }
        };
        StreamBounds bounds = new StreamBounds(stream.bufferSize(), stream.queueSize().asLongValue(), stream.maxReplay(),
                stream.stallTimeout());
        return new Streams(fanout, memberships, logs.groups(), logs.dms(), replay, bounds, admission, presence, retry);
    }

    @Produces
    @Singleton
    RetryWindow retryWindow(GatewayConfig config) {
        return new RetryWindow(config.stream().retry(), config.stream().retryJitter());
    }

    /** Ticks on the JDK's shared delay timer: a drain happens once, at the very end, and needs no thread of its own. */
    @Produces
    @Singleton
    StreamDrain streamDrain(Fanout fanout, StreamAdmission admission, RetryWindow retry, GatewayConfig config) {
        GatewayConfig.Drain drain = config.stream().drain();
        return new StreamDrain(fanout, admission, retry, drain.rate(), drain.duration(), drain.tick(),
                (delay, task) -> CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS).execute(task),
                System::nanoTime);
    }
}
