package io.chorus.e2e;

import static org.awaitility.Awaitility.await;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The speed and memory figures of docs/performance.md: durable post throughput, live fan-out
 * latency, and memory per open stream, for Chorus and for Nchan (nginx) on the same machine with
 * the same client code. Not a test: nothing here passes or fails on a number. Named *Benchmark
 * so failsafe (which runs *IT) leaves it out of bin/test and CI; bin/bench runs it.
 *
 * <p>Sizes come from system properties (bin/bench passes -Dbench.*=...): bench.posters,
 * bench.posts, bench.subscribers, bench.messages, bench.rate, bench.nchan and the others of
 * docs/performance.md. CPU is counted twice while posting and delivering: "server" is the
 * process holding the streams (the Chorus gateway alone; nginx master and worker), as in earlier
 * runs; "all" is every process doing the work (Chorus: its services and the PostgreSQL backends of
 * its databases, {@link ClusterCpu}; nginx master and worker again).
 */
class GatewayBenchmark {

    /** How much a run does. */
    record Sizes(List<Integer> posters, int posts, List<Integer> subscribers, int messages, double rate,
                 boolean nchan, int warmupPosts, int warmupSubscribers, int idleStreams, int groups,
                 int groupSubscribers, int groupMessages, double groupRate, int stalledPercent, int durablePosters,
                 int durableGroups, int stormStreams, int stormMessages, List<Integer> rates,
                 List<Integer> groupRates, int coldSeconds) {

        /** bin/bench's run: -Dbench.*=... or the defaults of docs/performance.md. */
        static Sizes fromProperties() {
            return new Sizes(integers("bench.posters", "1,8,32"), Integer.getInteger("bench.posts", 3000),
                    integers("bench.subscribers", "100,1000"), Integer.getInteger("bench.messages", 500),
                    Double.parseDouble(System.getProperty("bench.rate", "50")),
                    Boolean.parseBoolean(System.getProperty("bench.nchan", "true")), 1000, 50,
                    Integer.getInteger("bench.idle", 15000), Integer.getInteger("bench.groups", 100),
                    Integer.getInteger("bench.group-subscribers", 100), Integer.getInteger("bench.group-messages", 20),
                    Double.parseDouble(System.getProperty("bench.group-rate", "100")),
                    Integer.getInteger("bench.stalled-percent", 10), Integer.getInteger("bench.durable-posters", 64),
                    Integer.getInteger("bench.durable-groups", 100), Integer.getInteger("bench.storm", 10000),
                    Integer.getInteger("bench.storm-messages", 20), integers("bench.rates", "100,150,200,300"),
                    integers("bench.group-rates", "100,200,300,400,500,700,1000"),
                    Integer.getInteger("bench.cold-seconds", 10));
        }

        /** A few seconds of every step, for the test command: it proves the benchmark runs and counts. */
        static Sizes smoke() {
            return new Sizes(List.of(4), 100, List.of(20), 20, 50, true, 20, 5, 200, 3, 5, 5, 50, 10, 4, 3, 20, 10,
                    List.of(100), List.of(30), 3);
        }
    }

    /**
     * What a run measured, and its report. {@code postgresBackends}: how many PostgreSQL backends
     * of the cluster's databases the last CPU sample counted (0 when PostgreSQL is elsewhere).
     */
    record Results(List<Throughput> throughputs, List<Fanout> fanouts, List<Idle> idle, List<Durable> durable,
                   Storm storm, List<RateStep> rateSteps, List<RateStep> groupRateSteps, Cold cold,
                   int postgresBackends, boolean withNchan, String report) {
    }

    /** How long each step of the rate search posts for. */
    private static final double RATE_STEP_SECONDS = 3;

    /**
     * One step of a search for the highest rate (messages/s in all) a target sustains: to one
     * group (scenario a), or spread over many groups in turn (scenario b). Sustained means every
     * reading stream got every message of its group once, nothing was cut off or refused,
     * deliveries kept up with 95% of the offered deliveries/s, and the delivery p99 stayed under a
     * second.
     */
    record RateStep(double rate, Fanout fanout) {

        /** Each message goes to the streams of its own group only. */
        double offeredDeliveriesPerSecond() {
            return rate * fanout.reading() / fanout.groups();
        }

        boolean sustained() {
            return fanout.complete() == fanout.reading() && fanout.duplicates() == 0 && fanout.cutOff() == 0
                    && fanout.postErrors() == 0
                    && fanout.deliveriesPerSecond() >= 0.95 * offeredDeliveriesPerSecond()
                    && fanout.delivery().millis(99) < 1000;
        }

        /** One line for the log while the search runs. */
        String summary() {
            return String.format(Locale.ROOT, "%s at %s msg/s: %s of %s deliveries/s, got all %d/%d, cut off %d, "
                            + "post errors %d, p99 %s ms, max %s ms: %s", fanout.target(), fmt(rate),
                    fmt(fanout.deliveriesPerSecond()), fmt(offeredDeliveriesPerSecond()), fanout.complete(),
                    fanout.reading(), fanout.cutOff(), fanout.postErrors(), fmt(fanout.delivery().millis(99)),
                    fmt(fanout.delivery().millis(100)), sustained() ? "sustained" : "not sustained");
        }
    }

    /**
     * Durable posts right after a restart: history-service and the gateway restarted one after the
     * other, then posters in a closed loop for a few seconds from the moment both are ready;
     * beside the warm figure of scenario (d) over the same groups.
     */
    record Cold(List<Startup> startups, Throughput posts, double seconds, Durable warm) {
    }

    /** One service's restart: SIGTERM → ready, and its new process' start → ready. */
    record Startup(String service, double stopToReadySeconds, double startToReadySeconds) {
    }

    /**
     * Scenario (f): `streams` resuming streams on one group, the gateway restarted under them
     * (SIGTERM: it drains its streams and exits; then a new one starts); half the messages
     * before, half posted as soon as it is back, while they reconnect. Times from the SIGTERM:
     * the old gateway gone ({@code stoppedSeconds}), the new one ready ({@code restartSeconds}),
     * every stream live again ({@code allLiveSeconds}); and the new one's own start → ready.
     */
    record Storm(int streams, double stoppedSeconds, double startToReadySeconds, double restartSeconds,
                 double allLiveSeconds, int messages, int complete, int duplicates) {

        /** From the new gateway being ready to every stream live on it. */
        double readyToAllLiveSeconds() {
            return allLiveSeconds - restartSeconds;
        }
    }

    /**
     * Scenario (d): Chorus' durable posts over `groups` groups, and PostgreSQL inserting the same
     * number of rows of the group log's shape itself, in batches as large as the posters
     * (what group commit gets at best), one committed transaction each, in the same run.
     */
    record Durable(int posters, int groups, Throughput chorus, double postgresRowsPerSecond) {
    }

    /**
     * Scenario (c): streams opened and left idle. {@code held} counts those connected; the rest
     * were refused (Chorus: 503 past its capacity) or failed.
     */
    record Idle(String target, int streams, int held, double connectSeconds, Memory before, Memory connected,
                double idleCpuPerSecond) {
    }

    private static final Duration SETTLE = Duration.ofSeconds(60);

    private final Path root = Path.of(System.getProperty("chorus.root", "..")).toAbsolutePath().normalize();
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient posting = client();
    // Several clients for the streams: each JDK HttpClient reads all its connections on one
    // selector thread, which would otherwise be the bottleneck at a thousand streams. Each binds
    // its own source address in 127.0.0.0/8, so tens of thousands of streams do not run out of
    // one address's ephemeral ports.
    private final List<HttpClient> streaming = IntStream.range(0, 4).mapToObj(i -> client(2 + i)).toList();

    /** A server under test, as the benchmark sees it: where to post, where to listen. */
    interface Target {
        String name();

        HttpRequest publication(int poster, String text);

        /** A publication that may be sent again after a 503 without being stored twice (Chorus: a clientId). */
        default HttpRequest retriablePublication(int poster, String text) {
            return publication(poster, text);
        }

        HttpRequest subscription(int subscriber);

        /** The subscription resuming from an event id (null: from now). */
        HttpRequest subscription(int subscriber, String lastEventId);

        void awaitNoSubscribers();

        /** Memory now; heap is -1 where there is no JVM. */
        Memory memory();

        /** CPU seconds the server that holds the streams (gateway, nginx) has used so far. */
        double cpuSeconds();

        /** CPU so far of every process doing the work (Chorus: {@link ClusterCpu}; nginx master and worker). */
        CpuSample processCpu();
    }

    record Memory(long rss, long heap) {
    }

    record Throughput(String target, int posters, int posts, int errors, double perSecond, Latencies latency) {
    }

    /**
     * One fan-out run over {@code groups} groups (channels) of {@code subscribers / groups} streams
     * each. {@code stalled} of them stop reading once connected (scenario e): they are left out of
     * {@code complete}, {@code deliveries} and the latencies, which are the others'.
     */
    record Fanout(String target, int groups, int subscribers, int stalled, int messages, int complete, int duplicates,
                  int cutOff, long deliveries, double deliveriesPerSecond, Latencies delivery, Latencies post,
                  int postErrors, double cpuSeconds, double allCpuSeconds, Memory idle, Memory connected,
                  Memory after) {

        /** Streams expected to get every message. */
        int reading() {
            return subscribers - stalled;
        }

        /** µs of the streams' process (gateway; nginx) per delivery. */
        double cpuMicrosPerDelivery() {
            return cpuSeconds * 1e6 / Math.max(1, deliveries);
        }

        /** µs of every process (Chorus' services and PostgreSQL backends; nginx) per delivery. */
        double allCpuMicrosPerDelivery() {
            return allCpuSeconds * 1e6 / Math.max(1, deliveries);
        }
    }

    @Test
    void measure() throws Exception {
        Results results = run(Sizes.fromProperties());
        System.out.println(results.report());
        Path latest = root.resolve("e2e-tests/target/bench/results.md");
        Files.createDirectories(latest.getParent());
        Files.writeString(latest, results.report());
        // One file per run, kept: bench/results/ is the benchmark's history.
        Path kept = root.resolve("bench/results/" + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'")
                .withZone(ZoneOffset.UTC).format(Instant.now()) + ".md");
        Files.createDirectories(kept.getParent());
        Files.writeString(kept, results.report());
        log("written to " + latest + " and " + kept);
    }

    Results run(Sizes sizes) throws Exception {
        int maxPosters = sizes.posters().stream().max(Integer::compare).orElse(1);
        int maxSubscribers = sizes.subscribers().stream().max(Integer::compare).orElse(1);
        List<Throughput> throughputs = new ArrayList<>();
        List<Fanout> fanouts = new ArrayList<>();
        List<Idle> idles = new ArrayList<>();
        List<Durable> durables = new ArrayList<>();
        List<RateStep> rateSteps = new ArrayList<>();
        List<RateStep> groupRateSteps = new ArrayList<>();
        Storm storm = null;
        Cold cold = null;
        String cpuCounted = null;
        int postgresBackends = 0;
        NchanServer nchan = null;
        // The per-user rate limits would measure themselves, not the gateway (SPEC: CHORUS_LIMITS=off).
        // Heartbeats at the production default (15 s), as Nchan's pings (bench/nchan.conf): the
        // tests' 1 s would make idle streams cost a write per second each.
        Map<String, String> environment = new HashMap<>(ChorusCluster.PER_USER_LIMITS_OFF);
        environment.put("GATEWAY_STREAM_HEARTBEAT", "15s");
        try (ChorusCluster cluster = ChorusCluster.start(1, environment);
             ClusterCpu clusterCpu = new ClusterCpu(cluster)) {
            cpuCounted = clusterCpu.describe();
            Chorus chorus = new Chorus(cluster, clusterCpu, maxPosters, maxSubscribers);
            if (sizes.nchan() && NchanServer.installed()) {
                nchan = NchanServer.start(root.resolve("bench/nchan.conf"));
            }
            List<Target> postTargets = new ArrayList<>(List.of(chorus.group("bench-posts", maxPosters, 0)));
            if (nchan != null) {
                postTargets.add(nchanTarget(nchan, "benchposts"));
            }

            int warmSubscribers = Math.min(sizes.warmupSubscribers(), maxSubscribers);
            log("warming up (JIT, connection pools): " + sizes.warmupPosts() + " posts and a " + warmSubscribers
                    + "-subscriber fan-out per target");
            for (Target target : postTargets) {
                throughput(target, Math.min(8, maxPosters), sizes.warmupPosts());
            }
            fanout(chorus.group("bench-warmup", 1, warmSubscribers), warmSubscribers, 200, 100, false);
            if (nchan != null) {
                fanout(nchanTarget(nchan, "warmup"), warmSubscribers, 200, 100, false);
            }

            for (int posters : sizes.posters()) {
                for (Target target : postTargets) {
                    log("posts: " + target.name() + ", " + posters + " posters, " + sizes.posts() + " posts");
                    throughputs.add(throughput(target, posters, sizes.posts()));
                }
            }
            for (int subscribers : sizes.subscribers()) {
                List<Target> targets = new ArrayList<>(List.of(chorus.group("bench-fanout-" + subscribers, 1, subscribers)));
                if (nchan != null) {
                    targets.add(nchanTarget(nchan, "fanout" + subscribers));
                }
                for (Target target : targets) {
                    log("fan-out: " + target.name() + ", " + subscribers + " subscribers, " + sizes.messages()
                            + " messages at " + sizes.rate() + "/s");
                    fanouts.add(fanout(target, subscribers, sizes.messages(), sizes.rate(), true));
                }
            }
            if (!sizes.rates().isEmpty()) {
                int searched = sizes.subscribers().getLast();
                List<Target> targets = new ArrayList<>(List.of(chorus.group("bench-rates", 1, searched)));
                if (nchan != null) {
                    targets.add(nchanTarget(nchan, "rates"));
                }
                for (Target target : targets) {
                    for (int rate : sizes.rates()) {
                        int messages = (int) Math.max(1, rate * RATE_STEP_SECONDS);
                        log("rate search: " + target.name() + ", " + searched + " subscribers, " + messages
                                + " messages at " + rate + "/s");
                        RateStep step = new RateStep(rate, fanout(target, searched, messages, rate, false));
                        rateSteps.add(step);
                        log(step.summary());
                        if (!step.sustained()) {
                            break;
                        }
                    }
                }
            }
            if (sizes.groups() > 0) {
                List<List<Target>> scenarios = new ArrayList<>(List.of(chorus.groups("bench-groups",
                        sizes.groups(), sizes.groupSubscribers())));
                if (nchan != null) {
                    NchanServer server = nchan;
                    scenarios.add(IntStream.range(0, sizes.groups()).mapToObj(g -> nchanTarget(server, "groups" + g)).toList());
                }
                for (List<Target> groups : scenarios) {
                    log("groups: " + groups.getFirst().name() + ", " + groups.size() + " × " + sizes.groupSubscribers()
                            + " subscribers, " + sizes.groupMessages() + " messages each at " + sizes.groupRate() + "/s in all");
                    fanouts.add(fanout(groups, sizes.groupSubscribers(), sizes.groupMessages(), sizes.groupRate(), false, 0));
                }
                // Scenario (b)'s search, on the same groups and channels: streams opened without
                // a cursor see only what is posted after they connect, so earlier steps do not count.
                for (List<Target> groups : scenarios) {
                    for (int rate : sizes.groupRates()) {
                        int messages = (int) Math.max(1, Math.round(rate * RATE_STEP_SECONDS / groups.size()));
                        log("group rate search: " + groups.getFirst().name() + ", " + groups.size() + " × "
                                + sizes.groupSubscribers() + " subscribers, " + messages + " messages each at " + rate
                                + "/s in all");
                        RateStep step = new RateStep(rate, fanout(groups, sizes.groupSubscribers(), messages, rate, false, 0));
                        groupRateSteps.add(step);
                        log(step.summary());
                        if (!step.sustained()) {
                            break;
                        }
                    }
                }
            }
            // The groups of (d)'s last row, for the cold row after every other scenario.
            List<Target> durableTargets = List.of();
            if (sizes.durablePosters() > 0) {
                Chorus durableChorus = new Chorus(cluster, clusterCpu, sizes.durablePosters(), 0);
                for (int groups : new LinkedHashSet<>(List.of(1, sizes.durableGroups()))) {
                    List<Target> targets = durableChorus.postingGroups("bench-durable-" + groups, groups);
                    log("durable posts: " + sizes.durablePosters() + " posters over " + groups + " groups, "
                            + sizes.posts() + " posts; then PostgreSQL inserting as many rows");
                    Throughput chorusPosts = throughput(targets, sizes.durablePosters(), sizes.posts());
                    double postgres = postgresBatchedInserts(cluster.database("history-service"), sizes.posts(),
                            sizes.durablePosters(), groups);
                    durables.add(new Durable(sizes.durablePosters(), groups, chorusPosts, postgres));
                    durableTargets = targets;
                }
            }
            int slowSubscribers = sizes.subscribers().getLast();
            int stalledEach = slowSubscribers * sizes.stalledPercent() / 100;
            if (stalledEach > 0) {
                List<Target> targets = new ArrayList<>(List.of(chorus.group("bench-slow", 1, slowSubscribers)));
                if (nchan != null) {
                    targets.add(nchanTarget(nchan, "slow"));
                }
                for (Target target : targets) {
                    log("slow consumers: " + target.name() + ", " + stalledEach + " of " + slowSubscribers
                            + " subscribers stop reading");
                    fanouts.add(fanout(List.of(target), slowSubscribers, sizes.messages(), sizes.rate(), true, stalledEach));
                }
            }
            if (sizes.idleStreams() > 0) {
                List<Target> targets = new ArrayList<>(List.of(chorus.group("bench-idle", 1, maxSubscribers)));
                if (nchan != null) {
                    targets.add(nchanTarget(nchan, "idle"));
                }
                for (Target target : targets) {
                    log("idle streams: " + target.name() + ", " + sizes.idleStreams());
                    idles.add(idle(target, sizes.idleStreams()));
                }
            }
            if (sizes.stormStreams() > 0) {
                log("reconnect storm: " + sizes.stormStreams() + " streams resuming after a gateway restart");
                storm = storm(cluster, chorus.group("bench-storm", 1, maxSubscribers), sizes.stormStreams(),
                        sizes.stormMessages());
            }
            // Last, as it leaves history-service and the gateway freshly started (cold) for whatever followed.
            if (!durableTargets.isEmpty() && sizes.coldSeconds() > 0) {
                log("cold posts: history-service and the gateway restarted, then " + sizes.durablePosters()
                        + " posters over " + durableTargets.size() + " groups for " + sizes.coldSeconds() + " s");
                cold = cold(cluster, durableTargets, sizes.durablePosters(), Duration.ofSeconds(sizes.coldSeconds()),
                        durables.getLast());
            }
            postgresBackends = clusterCpu.sample().secondsByPid().size() - cluster.instances().size();
        } finally {
            if (nchan != null) {
                nchan.close();
            }
            posting.close();
            streaming.forEach(HttpClient::close);
            virtualThreads.close();
        }
        return new Results(throughputs, fanouts, idles, durables, storm, rateSteps, groupRateSteps, cold,
                postgresBackends, nchan != null,
                report(sizes, throughputs, fanouts, idles, durables, storm, rateSteps, groupRateSteps, cold, cpuCounted,
                        nchan != null));
    }

    /** Closed loop: each poster posts, waits for the answer, posts again, until `posts` are done. */
    private Throughput throughput(Target target, int posters, int posts) throws Exception {
        return throughput(List.of(target), posters, posts);
    }

    /** Closed loop over several targets: post number n goes to target n mod targets. */
    private Throughput throughput(List<Target> targets, int posters, int posts) throws Exception {
        Target target = targets.getFirst();
        Latencies latency = new Latencies(posts);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < posters; p++) {
            int poster = p;
            running.add(CompletableFuture.runAsync(() -> {
                int seq;
                while ((seq = next.getAndIncrement()) < posts) {
                    long sent = System.nanoTime();
                    try {
                        int status = posting.send(targets.get(seq % targets.size())
                                        .publication(poster, BenchSubscriber.marker(seq, sent)),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        latency.add(System.nanoTime() - sent);
                        if (status / 100 != 2) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, virtualThreads));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Throughput(target.name(), posters, posts, errors.get(), posts / seconds, latency);
    }

    /**
     * Closed loop for a time rather than a count: each poster posts, waits for the answer, and
     * posts again until {@code window} has passed since the start; posts/s counts every post
     * answered, over the time until the last answer.
     */
    private Throughput throughputFor(List<Target> targets, int posters, Duration window) throws Exception {
        Latencies latency = new Latencies(1024);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + window.toNanos();
        for (int p = 0; p < posters; p++) {
            int poster = p;
            running.add(CompletableFuture.runAsync(() -> {
                while (System.nanoTime() < end) {
                    int seq = next.getAndIncrement();
                    long sent = System.nanoTime();
                    try {
                        int status = posting.send(targets.get(seq % targets.size())
                                        .publication(poster, BenchSubscriber.marker(seq, sent)),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        latency.add(System.nanoTime() - sent);
                        if (status / 100 != 2) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, virtualThreads));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(window.toSeconds() + 120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Throughput(targets.getFirst().name(), posters, next.get(), errors.get(), next.get() / seconds, latency);
    }

    /**
     * The cold row: history-service, then the gateway, stopped (SIGTERM) and started again, each
     * until ready; then {@code posters} in a closed loop over {@code groups} for {@code window}
     * from the moment both are ready. A service's start → ready runs from its new process'
     * start time (/proc) to the readiness check answering (polled every 250 ms, so up to that much late).
     */
    private Cold cold(ChorusCluster cluster, List<Target> groups, int posters, Duration window, Durable warm)
            throws Exception {
        List<Startup> startups = new ArrayList<>();
        for (String service : List.of("history-service", "group-gateway")) {
            long stopping = System.nanoTime();
            cluster.restart(service);
            double startToReady = ProcessMemory.secondsSinceStart(cluster.pid(service));
            startups.add(new Startup(service, (System.nanoTime() - stopping) / 1e9, startToReady));
        }
        Throughput posts = throughputFor(groups, posters, window);
        return new Cold(startups, posts, window.toNanos() / 1e9, warm);
    }

    /** One group, everyone reading. */
    private Fanout fanout(Target target, int subscribers, int messages, double rate, boolean measureMemory)
            throws Exception {
        return fanout(List.of(target), subscribers, messages, rate, measureMemory, 0);
    }

    /**
     * Opens `subscribersEach` streams on each target (a group, a channel), at most
     * IDLE_CONNECTS_IN_FLIGHT connecting at once (ten thousand at once can overflow the listen
     * backlog, and a dropped SYN is retried only after seconds, into the connect timeout: in one
     * run 301 of 10,000 Nchan streams had not connected after a minute), posts `messages` to each
     * target at a steady `rate` in all (open loop: a slow answer does not delay the next post;
     * targets in turn), and waits until every reading stream has every message of its group or
     * has ended. The first `stalledEach` streams of each target stop reading once connected.
     */
    private Fanout fanout(List<Target> targets, int subscribersEach, int messages, double rate, boolean measureMemory,
                          int stalledEach) throws Exception {
        Target first = targets.getFirst();
        int subscribers = targets.size() * subscribersEach;
        int stalled = targets.size() * stalledEach;
        first.awaitNoSubscribers();
        Memory idle = measureMemory ? first.memory() : null;
        CountDownLatch connected = new CountDownLatch(subscribers);
        CountDownLatch finished = new CountDownLatch(subscribers - stalled);
        List<BenchSubscriber> streams = new ArrayList<>(subscribers);
        List<BenchSubscriber> reading = new ArrayList<>(subscribers);
        java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(IDLE_CONNECTS_IN_FLIGHT);
        try {
            int opened = 0;
            for (Target target : targets) {
                for (int i = 0; i < subscribersEach; i++) {
                    boolean stalls = i < stalledEach;
                    if (!connecting.tryAcquire(SETTLE.toSeconds(), TimeUnit.SECONDS)) {
                        throw new AssertionError(first.name() + ": " + IDLE_CONNECTS_IN_FLIGHT + " streams neither "
                                + "connected nor ended within " + SETTLE + " (" + opened + " opened)");
                    }
                    BenchSubscriber stream = new BenchSubscriber(streaming.get(opened++ % streaming.size()),
                            target.subscription(i), messages, connected, stalls ? new CountDownLatch(1) : finished,
                            connecting::release, stalls);
                    streams.add(stream);
                    if (!stalls) {
                        reading.add(stream);
                    }
                }
            }
            if (!connected.await(SETTLE.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(first.name() + ": only " + (subscribers - connected.getCount()) + " of "
                        + subscribers + " streams connected within " + SETTLE);
            }
            Memory loaded = measureMemory ? first.memory() : null;

            int total = messages * targets.size();
            Latencies post = new Latencies(total);
            AtomicInteger postErrors = new AtomicInteger();
            List<CompletableFuture<?>> posts = new ArrayList<>(total);
            long period = (long) (1e9 / rate);
            double cpuBefore = first.cpuSeconds();
            CpuSample allCpuBefore = first.processCpu();
            long start = System.nanoTime();
            for (int seq = 0; seq < messages; seq++) {
                for (int t = 0; t < targets.size(); t++) {
                    long due = start + ((long) seq * targets.size() + t) * period;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    long sent = System.nanoTime();
                    posts.add(posting.sendAsync(targets.get(t).publication(0, BenchSubscriber.marker(seq, sent)),
                                    HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, failure) -> {
                                post.add(System.nanoTime() - sent);
                                if (failure != null || response.statusCode() / 100 != 2) {
                                    postErrors.incrementAndGet();
                                }
                            }));
                }
            }
            CompletableFuture.allOf(posts.toArray(CompletableFuture[]::new))
                    .exceptionally(failure -> null).get(SETTLE.toSeconds(), TimeUnit.SECONDS);
            finished.await(SETTLE.toSeconds(), TimeUnit.SECONDS);
            double cpu = first.cpuSeconds() - cpuBefore;
            CpuSample allCpuAfter = first.processCpu();
            double allCpu = allCpuAfter.since(allCpuBefore);
            if (allCpuAfter.endedSince(allCpuBefore) > 0) {
                log(first.name() + ": " + allCpuAfter.endedSince(allCpuBefore) + " processes ended while measured; "
                        + "their last CPU is not counted");
            }
            Memory after = measureMemory ? first.memory() : null;

            Latencies delivery = new Latencies(reading.size() * messages);
            long deliveries = 0;
            long lastArrival = start;
            int complete = 0;
            int duplicates = 0;
            int cutOff = 0;
            for (BenchSubscriber stream : reading) {
                stream.latenciesInto(delivery);
                deliveries += stream.distinct();
                lastArrival = Math.max(lastArrival, stream.lastArrival());
                complete += stream.complete() ? 1 : 0;
                duplicates += stream.duplicates();
                cutOff += stream.cutOff() ? 1 : 0;
            }
            double seconds = Math.max(1e-9, (lastArrival - start) / 1e9);
            return new Fanout(first.name(), targets.size(), subscribers, stalled, messages, complete, duplicates, cutOff,
                    deliveries, deliveries / seconds, delivery, post, postErrors.get(), cpu, allCpu, idle, loaded, after);
        } finally {
            streams.forEach(BenchSubscriber::close);
            first.awaitNoSubscribers();
        }
    }

    /**
     * PostgreSQL's own rate for the rows Chorus writes: `rows` rows shaped like the group log's
     * (a copy of history-service's table, its indexes included), `batch` to a transaction, one
     * JDBC batch each (`reWriteBatchedInserts`), committed; on one connection, as history-service's
     * one writer does.
     */
    private static double postgresBatchedInserts(String database, int rows, int batch, int groups) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(
                io.chorus.testing.LocalPostgres.jdbcUrl(database) + "?reWriteBatchedInserts=true",
                io.chorus.testing.LocalPostgres.user(), io.chorus.testing.LocalPostgres.password())) {
            try (java.sql.Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE IF EXISTS bench_rows");
                ddl.execute("CREATE TABLE bench_rows (LIKE messages INCLUDING ALL)");
            }
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_rows "
                    + "(id, group_name, group_key, sender, sender_key, text, sent_at) VALUES (?, ?, ?, ?, ?, ?, now())")) {
                for (int id = 1; id <= rows; id++) {
                    String group = "bench-durable-" + groups + "-" + (id % groups);
                    insert.setLong(1, id);
                    insert.setString(2, group);
                    insert.setString(3, group);
                    insert.setString(4, "poster" + (id % batch));
                    insert.setString(5, "poster" + (id % batch));
                    insert.setString(6, BenchSubscriber.marker(id, System.nanoTime()));
                    insert.addBatch();
                    if (id % batch == 0 || id == rows) {
                        insert.executeBatch();
                        connection.commit();
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            connection.setAutoCommit(true);
            try (java.sql.Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE bench_rows");
            }
            return rows / seconds;
        }
    }

    /** Scenario (f); see {@link Storm}. "All live again" counts from the restart's beginning (the gateway stopping). */
    private Storm storm(ChorusCluster cluster, Target group, int streams, int messages) throws Exception {
        group.awaitNoSubscribers();
        java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(IDLE_CONNECTS_IN_FLIGHT);
        List<ResumingSubscriber> subscribers = new ArrayList<>(streams);
        try {
            for (int i = 0; i < streams; i++) {
                int subscriber = i;
                connecting.acquire();
                AtomicInteger released = new AtomicInteger();
                subscribers.add(new ResumingSubscriber(streaming.get(i % streaming.size()),
                        lastEventId -> group.subscription(subscriber, lastEventId), () -> { },
                        () -> {
                            if (released.getAndIncrement() == 0) {
                                connecting.release();
                            }
                        }));
            }
            await("every storm stream connected").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                    .until(() -> subscribers.stream().allMatch(s -> s.connections() >= 1));
            int before = messages / 2;
            postAll(group, 0, before);
            await("the first half delivered").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                    .until(() -> subscribers.stream().allMatch(s -> s.hasAll(before)));
            long restart = System.nanoTime();
            cluster.stop("group-gateway");
            long stopped = System.nanoTime();
            cluster.start("group-gateway");
            long ready = System.nanoTime();
            postAll(group, before, messages);
            await("every storm stream live again").atMost(SETTLE.multipliedBy(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> subscribers.stream().allMatch(s -> s.connections() >= 2));
            double allLive = (System.nanoTime() - restart) / 1e9;
            await("every message delivered after the storm").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                    .until(() -> subscribers.stream().allMatch(s -> s.hasAll(messages)));
            int complete = (int) subscribers.stream().filter(s -> s.hasAll(messages)).count();
            int duplicates = subscribers.stream().mapToInt(ResumingSubscriber::duplicates).sum();
            return new Storm(streams, (stopped - restart) / 1e9, (ready - stopped) / 1e9, (ready - restart) / 1e9,
                    allLive, messages, complete, duplicates);
        } finally {
            subscribers.forEach(ResumingSubscriber::close);
        }
    }

    /**
     * Posts messages number from..to-1 to the target, one after another, each answered 2xx. A 503
     * (a service still catching up under the storm) is retried as a client does: the same request,
     * whose clientId makes a second copy impossible, about once a second (the Retry-After the
     * services send), until it is answered otherwise.
     */
    private void postAll(Target target, int from, int to) throws Exception {
        for (int seq = from; seq < to; seq++) {
            HttpRequest post = target.retriablePublication(0, BenchSubscriber.marker(seq, System.nanoTime()));
            AtomicInteger status = new AtomicInteger();
            int number = seq;
            await("post " + seq + " answered other than 503").atMost(SETTLE).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofSeconds(1)).until(() -> {
                        status.set(posting.send(post, HttpResponse.BodyHandlers.discarding()).statusCode());
                        if (status.get() == 503) {
                            log("post " + number + " answered 503; retrying with its clientId");
                        }
                        return status.get() != 503;
                    });
            if (status.get() / 100 != 2) {
                throw new AssertionError("post " + seq + " answered " + status.get());
            }
        }
    }

    private static final int IDLE_CONNECTS_IN_FLIGHT = 200;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(10);

    /**
     * Opens `streams` streams, at most IDLE_CONNECTS_IN_FLIGHT connecting at once (a burst of
     * thousands would measure the listen backlog's SYN drops, not the server), holds them, then
     * measures memory and the CPU the idle server uses. Heartbeats keep flowing meanwhile.
     */
    private Idle idle(Target target, int streams) throws Exception {
        target.awaitNoSubscribers();
        Memory before = target.memory();
        CountDownLatch connected = new CountDownLatch(streams);
        CountDownLatch settled = new CountDownLatch(streams);
        java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(IDLE_CONNECTS_IN_FLIGHT);
        List<BenchSubscriber> open = new ArrayList<>(streams);
        try {
            long start = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                connecting.acquire();
                open.add(new BenchSubscriber(streaming.get(i % streaming.size()), target.subscription(i), 0,
                        connected, new CountDownLatch(1), () -> {
                            connecting.release();
                            settled.countDown();
                        }, false));
            }
            if (!settled.await(SETTLE.toSeconds() * 2, TimeUnit.SECONDS)) {
                throw new AssertionError(target.name() + ": " + settled.getCount() + " of " + streams
                        + " streams neither connected nor were refused within " + SETTLE.multipliedBy(2));
            }
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            int held = (int) (streams - connected.getCount());
            log(target.name() + ": " + held + " of " + streams + " held after " + fmt(connectSeconds) + " s; this client has "
                    + openDescriptors() + " file descriptors open");
            Memory loaded = target.memory();
            double cpuBefore = target.cpuSeconds();
            long windowStart = System.nanoTime();
            // The measurement window itself, not a wait for a condition.
            LockSupport.parkNanos(IDLE_WINDOW.toNanos());
            double idleCpu = (target.cpuSeconds() - cpuBefore) / ((System.nanoTime() - windowStart) / 1e9);
            return new Idle(target.name(), streams, held, connectSeconds, before, loaded, idleCpu);
        } finally {
            open.forEach(BenchSubscriber::close);
            target.awaitNoSubscribers();
        }
    }

    /**
     * Chorus through its public API. Tokens are minted with the cluster's signing key rather than
     * by signing up a thousand users: user-service's bcrypt is not what is measured here.
     */
    private final class Chorus {

        private final ChorusCluster cluster;
        private final ClusterCpu clusterCpu;
        private final Api api;
        private final List<String> posters;
        private final List<String> subscribers;

        Chorus(ChorusCluster cluster, ClusterCpu clusterCpu, int posters, int subscribers) {
            this.cluster = cluster;
            this.clusterCpu = clusterCpu;
            this.api = new Api(cluster);
            PrivateKey key = cluster.keys().keyPair().getPrivate();
            this.posters = IntStream.range(0, posters).mapToObj(i -> token(key, "poster" + i)).toList();
            this.subscribers = IntStream.range(0, subscribers).mapToObj(i -> token(key, "listener" + i)).toList();
        }

        /** `count` fresh groups with every poster a member: poster p posts to any of them. */
        List<Target> postingGroups(String prefix, int count) throws Exception {
            List<Target> targets = new ArrayList<>(count);
            List<Runnable> joins = new ArrayList<>();
            for (int g = 0; g < count; g++) {
                String group = prefix + "-" + g;
                targets.add(group(group, 1, 0));
                posters.subList(1, posters.size()).forEach(token -> joins.add(() -> api.join(token, group)));
            }
            inParallel(joins);
            return targets;
        }

        /** Runs the calls 32 at a time (joins go through the group log's group commit). */
        private void inParallel(List<Runnable> calls) throws Exception {
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
            List<CompletableFuture<Void>> running = new ArrayList<>(calls.size());
            for (Runnable call : calls) {
                inFlight.acquire();
                running.add(CompletableFuture.runAsync(() -> {
                    try {
                        call.run();
                    } finally {
                        inFlight.release();
                    }
                }, virtualThreads));
            }
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        }

        /**
         * `count` fresh groups of `each` listeners (group g: listeners g·each, g·each+1, ...,
         * wrapping round), joined 32 at a time.
         */
        List<Target> groups(String prefix, int count, int each) throws Exception {
            List<Target> targets = new ArrayList<>(count);
            for (int g = 0; g < count; g++) {
                targets.add(group(prefix + "-" + g, 1, 0));
            }
            List<Runnable> joins = new ArrayList<>();
            for (int g = 0; g < count; g++) {
                for (int j = 0; j < each; j++) {
                    String token = subscribers.get((g * each + j) % subscribers.size());
                    String group = prefix + "-" + g;
                    joins.add(() -> api.join(token, group));
                }
            }
            inParallel(joins);
            List<Target> withOffsets = new ArrayList<>(count);
            for (int g = 0; g < count; g++) {
                withOffsets.add(offset(targets.get(g), g * each));
            }
            return withOffsets;
        }

        /** The same group, its subscriber i being listener i + offset. */
        private Target offset(Target group, int offset) {
            return new Target() {
                @Override
                public String name() {
                    return group.name();
                }

                @Override
                public HttpRequest publication(int poster, String text) {
                    return group.publication(poster, text);
                }

                @Override
                public HttpRequest subscription(int subscriber) {
                    return group.subscription(subscriber + offset);
                }

                @Override
                public HttpRequest subscription(int subscriber, String lastEventId) {
                    return group.subscription(subscriber + offset, lastEventId);
                }

                @Override
                public void awaitNoSubscribers() {
                    group.awaitNoSubscribers();
                }

                @Override
                public Memory memory() {
                    return group.memory();
                }

                @Override
                public double cpuSeconds() {
                    return group.cpuSeconds();
                }

                @Override
                public CpuSample processCpu() {
                    return group.processCpu();
                }
            };
        }

        /** A fresh group with the first `posters` posters and `subscribers` listeners as members. */
        Target group(String group, int posters, int subscribers) throws Exception {
            api.createGroup(this.posters.get(0), group);
            List<Runnable> joins = new ArrayList<>();
            this.posters.subList(1, posters).forEach(token -> joins.add(() -> api.join(token, group)));
            this.subscribers.subList(0, subscribers).forEach(token -> joins.add(() -> api.join(token, group)));
            inParallel(joins);
            String gateway = cluster.url("group-gateway");
            return new Target() {
                @Override
                public String name() {
                    return "Chorus";
                }

                @Override
                public HttpRequest publication(int poster, String text) {
                    return HttpRequest.newBuilder(URI.create(gateway + "/api/groups/" + group + "/messages"))
                            .header("Authorization", "Bearer " + posters(poster))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\"}"))
                            .build();
                }

                @Override
                public HttpRequest retriablePublication(int poster, String text) {
                    return HttpRequest.newBuilder(URI.create(gateway + "/api/groups/" + group + "/messages"))
                            .header("Authorization", "Bearer " + posters(poster))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"" + text + "\",\"clientId\":\""
                                    + java.util.UUID.randomUUID() + "\"}"))
                            .build();
                }

                @Override
                public HttpRequest subscription(int subscriber) {
                    return subscription(subscriber, null);
                }

                @Override
                public HttpRequest subscription(int subscriber, String lastEventId) {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + "/api/groups/" + group + "/events"))
                            .header("Accept", "text/event-stream")
                            .header("Authorization", "Bearer " + Chorus.this.subscribers.get(subscriber % Chorus.this.subscribers.size()));
                    return (lastEventId == null ? request : request.header("Last-Event-ID", lastEventId)).build();
                }

                @Override
                public void awaitNoSubscribers() {
                    await("the gateway's streams closed").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                            .until(() -> openStreams(gateway) == 0);
                }

                @Override
                public double cpuSeconds() {
                    return ProcessMemory.cpuSeconds(cluster.pid("group-gateway"));
                }

                @Override
                public CpuSample processCpu() {
                    return clusterCpu.sample();
                }

                @Override
                public Memory memory() {
                    long pid = cluster.pid("group-gateway");
                    long heap = ProcessMemory.heapUsedAfterGc(pid);
                    return new Memory(ProcessMemory.rss(pid), heap);
                }
            };
        }

        private String posters(int poster) {
            return posters.get(poster);
        }

        private double openStreams(String gateway) throws IOException, InterruptedException {
            String metrics = posting.send(HttpRequest.newBuilder(URI.create(gateway + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return metrics.lines().filter(line -> line.startsWith("chorus_stream_subscribers"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        }

        private static String token(PrivateKey key, String user) {
            Instant now = Instant.now();
            return Jwt.issuer("chorus").upn(user).subject(user).groups("user")
                    .issuedAt(now).expiresAt(now.plus(Duration.ofHours(2))).sign(key);
        }
    }

    private Target nchanTarget(NchanServer nchan, String channel) {
        return new Target() {
            @Override
            public String name() {
                return "Nchan";
            }

            @Override
            public HttpRequest publication(int poster, String text) {
                return HttpRequest.newBuilder(URI.create(nchan.url() + "/pub/" + channel))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(text))
                        .build();
            }

            @Override
            public HttpRequest subscription(int subscriber) {
                return subscription(subscriber, null);
            }

            /** Nchan's EventSource subscriber resumes from Last-Event-ID too (its own id format). */
            @Override
            public HttpRequest subscription(int subscriber, String lastEventId) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nchan.url() + "/sub/" + channel))
                        .header("Accept", "text/event-stream");
                return (lastEventId == null ? request : request.header("Last-Event-ID", lastEventId)).build();
            }

            @Override
            public void awaitNoSubscribers() {
                await("Nchan's subscribers gone").atMost(SETTLE).pollInterval(Duration.ofMillis(200))
                        .until(() -> nchan.subscribers() == 0);
            }

            @Override
            public Memory memory() {
                return new Memory(nchan.rss(), -1);
            }

            @Override
            public double cpuSeconds() {
                return nchan.cpuSeconds();
            }

            @Override
            public CpuSample processCpu() {
                return nchan.cpuSample();
            }
        };
    }

    private static long openDescriptors() {
        try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
            return open.count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** Every CPU of the machine, not only those this (possibly pinned) JVM may use. */
    private static long onlineCpus() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(line -> line.startsWith("processor")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private String report(Sizes sizes, List<Throughput> throughputs, List<Fanout> fanouts, List<Idle> idles,
                          List<Durable> durables, Storm storm, List<RateStep> rateSteps, List<RateStep> groupRateSteps,
                          Cold cold, String cpuCounted, boolean withNchan) {
        StringBuilder out = new StringBuilder();
        out.append("# Chorus benchmark results\n\n");
        out.append("- when: ").append(Instant.now()).append('\n');
        out.append("- machine: ").append(onlineCpus()).append(" cores, ")
                .append(cpuModel()).append(", everything on loopback\n");
        out.append("- cores: ").append(ServerCpus.describe()).append('\n');
        out.append("- JDK: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" (services: -Xmx256m, as ChorusCluster starts them)\n");
        out.append("- sizes: posters ").append(sizes.posters()).append(", posts ").append(sizes.posts())
                .append(", subscribers ").append(sizes.subscribers()).append(", messages ").append(sizes.messages())
                .append(" at ").append(fmt(sizes.rate())).append("/s\n");
        out.append("- Nchan: ").append(withNchan ? "nginx + libnginx-mod-nchan, bench/nchan.conf, worker_processes 1"
                : "not run (install nginx and libnginx-mod-nchan, or -Dbench.nchan=false was given)").append('\n');
        out.append("- CPU per delivery, from /proc while posting and delivering: \"server\" is the process holding the ")
                .append("streams (the Chorus gateway alone; nginx master + worker), as in earlier runs; \"all\" is, for ")
                .append("Chorus, ").append(cpuCounted == null ? "not measured" : cpuCounted)
                .append("; for Nchan, nginx master + worker again\n\n");

        if (!rateSteps.isEmpty() || !groupRateSteps.isEmpty()) {
            out.append("## Headline: the highest rate each sustains (a: one group × ").append(sizes.subscribers().getLast())
                    .append("; b: ").append(sizes.groups()).append(" groups × ").append(sizes.groupSubscribers())
                    .append("; the rule and every step below)\n\n");
            out.append("| scenario | target | highest msg/s sustained | deliveries/s there | delivery p99 ms | ")
                    .append("server CPU µs per delivery | all CPU µs per delivery |\n");
            out.append("|---|---|---:|---:|---:|---:|---:|\n");
            headline(out, "(a) 1 group", rateSteps);
            headline(out, "(b) " + sizes.groups() + " groups", groupRateSteps);
            out.append('\n');
        }

        out.append("## Posts (closed loop; Chorus answers 201 once committed, Nchan 201/202 once in shared memory)\n\n");
        out.append("| target | posters | posts | errors | msg/s | p50 ms | p95 ms | p99 ms |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Throughput t : throughputs) {
            out.append(row(t.target(), t.posters(), t.posts(), t.errors(), fmt(t.perSecond()),
                    fmt(t.latency().millis(50)), fmt(t.latency().millis(95)), fmt(t.latency().millis(99))));
        }

        out.append("\n## Live fan-out (delivery = post sent → event read by a subscriber; one group: ")
                .append(sizes.messages()).append(" messages at ").append(fmt(sizes.rate())).append("/s; ")
                .append(sizes.groups()).append(" groups: ").append(sizes.groupMessages()).append(" messages to each, ")
                .append(fmt(sizes.groupRate())).append("/s in all; stalled: that many stop reading, the other columns ")
                .append("are the others')\n\n");
        out.append("| target | groups | subscribers | stalled | got all | duplicates | cut off | deliveries | deliveries/s | ")
                .append("delivery p50 ms | p99 ms | p99.9 ms | max ms | post p50 ms | post p99 ms | post errors | server CPU s | ")
                .append("CPU µs per delivery | all CPU s | all CPU µs per delivery |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Fanout f : fanouts) {
            out.append(row(f.target(), f.groups(), f.subscribers(), f.stalled(), f.complete() + "/" + f.reading(),
                    f.duplicates(), f.cutOff(), f.deliveries() + "/" + (long) f.reading() * f.messages(),
                    fmt(f.deliveriesPerSecond()), fmt(f.delivery().millis(50)), fmt(f.delivery().millis(99)),
                    fmt(f.delivery().millis(99.9)), fmt(f.delivery().millis(100)), fmt(f.post().millis(50)),
                    fmt(f.post().millis(99)), f.postErrors(), fmt(f.cpuSeconds()), fmt(f.cpuMicrosPerDelivery()),
                    fmt(f.allCpuSeconds()), fmt(f.allCpuMicrosPerDelivery())));
        }

        if (!rateSteps.isEmpty()) {
            out.append("\n## Highest sustained rate to one group (scenario a: ").append(sizes.subscribers().getLast())
                    .append(" subscribers, ").append(fmt(RATE_STEP_SECONDS)).append(" s at each rate, upwards until one is ")
                    .append("not sustained: every message to every stream once, none cut off, deliveries ≥ 95% of ")
                    .append("offered, p99 < 1 s)\n\n");
            rateSteps(out, rateSteps);
        }

        if (!groupRateSteps.isEmpty()) {
            out.append("\n## Highest sustained rate over many groups (scenario b: ").append(sizes.groups()).append(" groups × ")
                    .append(sizes.groupSubscribers()).append(" subscribers, messages to the groups in turn, ")
                    .append(fmt(RATE_STEP_SECONDS)).append(" s at each rate in all, upwards until one is not sustained, ")
                    .append("by the same rule)\n\n");
            rateSteps(out, groupRateSteps);
        }

        out.append("\n## Memory (idle, with the subscribers connected before posting, and after the messages; ")
                .append("heap after a full GC)\n\n");
        out.append("| target | subscribers | stalled | RSS idle MiB | RSS connected MiB | RSS per subscriber KiB | ")
                .append("heap idle MiB | heap connected MiB | heap per subscriber KiB | RSS after MiB | heap after MiB |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Fanout f : fanouts) {
            if (f.idle() == null) {
                continue;
            }
            boolean heap = f.idle().heap() >= 0;
            out.append(row(f.target(), f.subscribers(), f.stalled(), mib(f.idle().rss()), mib(f.connected().rss()),
                    kib((f.connected().rss() - f.idle().rss()) / (double) f.subscribers()),
                    heap ? mib(f.idle().heap()) : "–", heap ? mib(f.connected().heap()) : "–",
                    heap ? kib((f.connected().heap() - f.idle().heap()) / (double) f.subscribers()) : "–",
                    mib(f.after().rss()), heap ? mib(f.after().heap()) : "–"));
        }

        if (!durables.isEmpty()) {
            out.append("\n## Durable posts beside PostgreSQL's own batched inserts (same rows, same run)\n\n");
            out.append("| posters | groups | Chorus posts/s | errors | p50 ms | p99 ms | PostgreSQL rows/s | Chorus / PostgreSQL |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Durable d : durables) {
                out.append(row(d.posters(), d.groups(), fmt(d.chorus().perSecond()), d.chorus().errors(),
                        fmt(d.chorus().latency().millis(50)), fmt(d.chorus().latency().millis(99)),
                        fmt(d.postgresRowsPerSecond()),
                        String.format(Locale.ROOT, "%.1f%%", 100 * d.chorus().perSecond() / d.postgresRowsPerSecond())));
            }
        }

        if (cold != null) {
            out.append("\n## Cold start (history-service, then the gateway, restarted; then ").append(cold.posts().posters())
                    .append(" posters in a closed loop over ").append(cold.warm().groups()).append(" groups for the first ")
                    .append(fmt(cold.seconds())).append(" s after both are ready; warm: scenario (d), same groups)\n\n");
            out.append("| service | stopped → ready s | process start → ready s |\n");
            out.append("|---|---:|---:|\n");
            for (Startup startup : cold.startups()) {
                out.append(row(startup.service(), fmt(startup.stopToReadySeconds()), fmt(startup.startToReadySeconds())));
            }
            Throughput posts = cold.posts();
            Throughput warm = cold.warm().chorus();
            out.append("\n| posters | groups | window s | posts | errors | cold posts/s | p50 ms | p99 ms | warm posts/s (d) | ")
                    .append("cold / warm |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            out.append(row(posts.posters(), cold.warm().groups(), fmt(cold.seconds()), posts.posts(), posts.errors(),
                    fmt(posts.perSecond()), fmt(posts.latency().millis(50)), fmt(posts.latency().millis(99)),
                    fmt(warm.perSecond()), String.format(Locale.ROOT, "%.0f%%", 100 * posts.perSecond() / warm.perSecond())));
        }

        if (storm != null) {
            out.append("\n## Reconnect storm (Chorus; Nchan keeps messages in memory, a restart loses them)\n\n");
            out.append("| streams | SIGTERM → old gateway gone s | new gateway start → ready s | ready → every stream live s "
                    + "| SIGTERM → ready s | SIGTERM → every stream live s | messages | got all | duplicates |\n");
            out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            out.append(row(storm.streams(), fmt(storm.stoppedSeconds()), fmt(storm.startToReadySeconds()),
                    fmt(storm.readyToAllLiveSeconds()), fmt(storm.restartSeconds()), fmt(storm.allLiveSeconds()),
                    storm.messages(), storm.complete() + "/" + storm.streams(), storm.duplicates()));
        }

        if (!idles.isEmpty()) {
            out.append("\n## Idle streams (opened ").append(IDLE_CONNECTS_IN_FLIGHT)
                    .append(" at a time, then held; idle CPU over ").append(IDLE_WINDOW.toSeconds()).append(" s)\n\n");
            out.append("| target | streams | held | connect s | connects/s | RSS per stream KiB | heap per stream KiB | ")
                    .append("idle CPU % |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Idle i : idles) {
                boolean heap = i.before().heap() >= 0;
                out.append(row(i.target(), i.streams(), i.held(), fmt(i.connectSeconds()),
                        fmt(i.held() / Math.max(1e-9, i.connectSeconds())),
                        kib((i.connected().rss() - i.before().rss()) / (double) Math.max(1, i.held())),
                        heap ? kib((i.connected().heap() - i.before().heap()) / (double) Math.max(1, i.held())) : "–",
                        fmt(i.idleCpuPerSecond() * 100)));
            }
        }
        return out.toString();
    }

    /** A search's steps, one row each. */
    private static void rateSteps(StringBuilder out, List<RateStep> steps) {
        out.append("| target | msg/s offered | deliveries/s offered | deliveries/s | got all | cut off | delivery p50 ms ")
                .append("| p99 ms | CPU µs per delivery | all CPU µs per delivery | sustained |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (RateStep step : steps) {
            Fanout f = step.fanout();
            out.append(row(f.target(), fmt(step.rate()), fmt(step.offeredDeliveriesPerSecond()), fmt(f.deliveriesPerSecond()),
                    f.complete() + "/" + f.reading(), f.cutOff(), fmt(f.delivery().millis(50)),
                    fmt(f.delivery().millis(99)), fmt(f.cpuMicrosPerDelivery()), fmt(f.allCpuMicrosPerDelivery()),
                    step.sustained() ? "yes" : "no"));
        }
    }

    /**
     * Per target, the last sustained step of a search (steps go upwards and stop at the first not
     * sustained): "≥" when that was the top of the search, "none" when not even the first was.
     */
    private static void headline(StringBuilder out, String scenario, List<RateStep> steps) {
        for (String target : steps.stream().map(step -> step.fanout().target()).distinct().toList()) {
            List<RateStep> own = steps.stream().filter(step -> step.fanout().target().equals(target)).toList();
            RateStep best = own.stream().filter(RateStep::sustained).reduce((a, b) -> b).orElse(null);
            if (best == null) {
                RateStep first = own.getFirst();
                out.append(row(scenario, target, "none (not " + fmt(first.rate()) + ")", "–", "–", "–", "–"));
                continue;
            }
            Fanout f = best.fanout();
            out.append(row(scenario, target, (best == own.getLast() ? "≥ " : "") + fmt(best.rate()),
                    fmt(f.deliveriesPerSecond()), fmt(f.delivery().millis(99)), fmt(f.cpuMicrosPerDelivery()),
                    fmt(f.allCpuMicrosPerDelivery())));
        }
    }

    private static String row(Object... cells) {
        StringBuilder row = new StringBuilder("|");
        Arrays.stream(cells).forEach(cell -> row.append(' ').append(cell).append(" |"));
        return row.append('\n').toString();
    }

    private static String fmt(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Integer> integers(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).map(String::strip)
                .filter(value -> !value.isEmpty()).map(Integer::valueOf).toList();
    }

    private static HttpClient client() {
        return builder().build();
    }

    /** A client whose connections come from 127.0.0.{@code lastOctet}. */
    private static HttpClient client(int lastOctet) {
        try {
            return builder().localAddress(java.net.InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet})).build();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient.Builder builder() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .connectTimeout(Duration.ofSeconds(10));
    }

    /** When this class was loaded: log lines say how far into the run they are, so a step's cost can be read off. */
    private static final long LOADED = System.nanoTime();

    private static void log(String line) {
        System.out.println(String.format(Locale.ROOT, "[bench %.0f s] ", (System.nanoTime() - LOADED) / 1e9) + line);
    }
}
