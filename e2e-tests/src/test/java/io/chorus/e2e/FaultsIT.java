package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Faults under a steady load, on the system bin/run starts with two gateway replicas: posters
 * that record every acknowledgement (and retry refusals with the same clientId), subscribers on
 * both stream kinds spread over both replicas that resume on disconnect. In turn history-service
 * is killed, a gateway replica is killed, PostgreSQL restarts, and history-service hangs. Then
 * every acknowledged message must be in history exactly once and have reached every subscriber
 * exactly once, in order. The counts are printed.
 */
class FaultsIT {

    private static final Duration RECOVERY = Duration.ofSeconds(90);

    @Test
    void losesNoAcknowledgedMessageWhenServicesCrashHangOrTheDatabaseRestarts() throws Exception {
        // Posters post as fast as they can through every fault: the per-user rate limit is off.
        try (RunCommand run = RunCommand.start(2, ChorusCluster.PER_USER_LIMITS_OFF)) {
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            String group = "faults-" + suffix;
            String alice = run.signUp("alice-" + suffix);
            String dave = run.signUp("dave-" + suffix);
            String carol = run.signUp("carol-" + suffix);
            assertEquals(201, run.call(run.url("GATEWAY"), "POST", "/api/groups", alice, "{\"name\":\"" + group + "\"}").statusCode());
            for (String member : List.of(dave, carol)) {
                assertEquals(200, run.call(run.url("GATEWAY_1"), "PUT", "/api/groups/" + group + "/members/me", member, null)
                        .statusCode());
            }
            List<String> gateways = List.of(run.url("GATEWAY"), run.url("GATEWAY_1"));
            List<String> reversed = List.of(run.url("GATEWAY_1"), run.url("GATEWAY"));
            CountDownLatch stop = new CountDownLatch(1);
            List<ResumingSubscriber> subscribers = List.of(
                    new ResumingSubscriber("carol /api/events", gateways, "/api/events", carol),
                    new ResumingSubscriber("carol group stream", reversed, "/api/groups/" + group + "/events", carol));
            subscribers.forEach(ResumingSubscriber::awaitConnected);
            List<Poster> posters = List.of(new Poster(run, "alice", gateways, group, alice, stop),
                    new Poster(run, "dave", reversed, group, dave, stop));
            awaitAcknowledged(posters, 20);

            Map<String, String> recovery = new LinkedHashMap<>();
            recovery.put("kill -9 history-service", fault(run, posters, () -> {
                ProcessHandle history = run.service("history-service");
                history.destroyForcibly();
                run.awaitRestarted("HISTORY", history, () -> run.service("history-service"));
            }));
            recovery.put("kill -9 gateway replica 1", fault(run, posters, () -> {
                ProcessHandle gateway = run.gatewayOn("GATEWAY_1");
                gateway.destroyForcibly();
                run.awaitRestarted("GATEWAY_1", gateway, () -> run.gatewayOn("GATEWAY_1"));
            }));
            recovery.put("restart PostgreSQL", fault(run, posters, FaultsIT::restartPostgres));
            recovery.put("SIGSTOP history-service 10 s", fault(run, posters, () -> {
                ProcessHandle history = run.service("history-service");
                assertEquals(0, RunCommand.signal("STOP", history));
                try {
                    // The supervisor's liveness check may kill it first: a hang ends either way.
                    history.onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException stillHanging) {
                    resume(history);
                }
                await().atMost(RECOVERY).until(() -> run.isReady("HISTORY"));
            }));

            stop.countDown();
            for (Poster poster : posters) {
                assertTrue(poster.thread.join(RECOVERY), poster.name + " stops");
                assertEquals(List.of(), poster.unexpected, poster.name + ": every refusal is a 503");
            }
            Map<Long, String> acknowledged = new ConcurrentHashMap<>();
            posters.forEach(poster -> acknowledged.putAll(poster.acknowledged));
            List<Long> historyIds = new ArrayList<>();
            List<String> historyTexts = new ArrayList<>();
            history(run, group, alice, historyIds, historyTexts);
            Map<String, Long> textCounts = historyTexts.stream()
                    .collect(Collectors.groupingBy(text -> text, Collectors.counting()));
            List<Long> ackedIds = acknowledged.keySet().stream().sorted().toList();

            for (ResumingSubscriber subscriber : subscribers) {
                await(subscriber.name + " receives every acknowledged message").atMost(RECOVERY)
                        .until(() -> subscriber.ids().containsAll(ackedIds));
            }
            subscribers.forEach(ResumingSubscriber::stop);

            recovery.forEach((fault, outcome) -> System.out.println("fault suite: " + fault + ": " + outcome));
            System.out.printf("fault suite: %d acknowledged, %d refused (503 or no answer, each retried with its clientId),"
                            + " %d in history%n", acknowledged.size(),
                    posters.stream().mapToInt(poster -> poster.refused.get()).sum(), historyIds.size());
            for (ResumingSubscriber subscriber : subscribers) {
                List<Long> ids = subscriber.ids();
                long duplicated = ids.size() - ids.stream().distinct().count();
                long lost = ackedIds.stream().filter(id -> !ids.contains(id)).count();
                System.out.printf("fault suite: %s: %d delivered over %d connections, %d lost, %d duplicated%n",
                        subscriber.name, ids.size(), subscriber.connections.get(), lost, duplicated);
                assertEquals(0, duplicated, subscriber.name + ": no duplicates");
                assertEquals(ids.stream().sorted().toList(), ids, subscriber.name + ": in log order");
                assertEquals(historyIds, ids, subscriber.name + ": exactly what history holds");
            }
            assertEquals(ackedIds, historyIds, "every acknowledged message is in history, and nothing else");
            textCounts.forEach((text, count) -> assertEquals(1L, count, text + " stored once"));
            assertEquals(acknowledged.size(), textCounts.size(), "each clientId stored once");
            assertTrue(recovery.size() == 4 && acknowledged.size() > 100, "the load ran through every fault");
        }
    }

    /** Runs the fault, waits until the system serves again, and says how long that took and what was refused. */
    private static String fault(RunCommand run, List<Poster> posters, FaultAction action) throws Exception {
        long began = System.nanoTime();
        int refusedBefore = posters.stream().mapToInt(poster -> poster.refused.get()).sum();
        action.run();
        for (String service : RunCommand.HTTP) {
            await(service + " ready after the fault").atMost(RECOVERY).until(() -> run.isReady(service));
        }
        await("posts acknowledged again").atMost(RECOVERY)
                .until(() -> posters.stream().allMatch(poster -> poster.lastAcknowledged.get() > began));
        long recovered = System.nanoTime();
        awaitAcknowledged(posters, 10);
        int refused = posters.stream().mapToInt(poster -> poster.refused.get()).sum() - refusedBefore;
        return "recovered in " + TimeUnit.NANOSECONDS.toMillis(recovered - began) + " ms, " + refused + " posts refused";
    }

    private static void awaitAcknowledged(List<Poster> posters, int more) {
        List<Integer> before = posters.stream().map(poster -> poster.acknowledged.size()).toList();
        await("posts flow").atMost(RECOVERY).until(() -> {
            for (int i = 0; i < posters.size(); i++) {
                if (posters.get(i).acknowledged.size() < before.get(i) + more) {
                    return false;
                }
            }
            return true;
        });
    }

    @FunctionalInterface
    private interface FaultAction {
        void run() throws Exception;
    }

    /**
     * Lets a stopped process go on. The supervisor may kill it in the same instant (its liveness
     * check runs on its own clock), so a failed signal counts only if the process is still there.
     */
    private static void resume(ProcessHandle process) throws IOException, InterruptedException {
        int exit = RunCommand.signal("CONT", process);
        assertTrue(exit == 0 || !process.isAlive(), "kill -CONT " + process.pid() + " failed while it runs");
    }

    /** The local server, restarted as its operator would (the cluster .ci/run starts). */
    private static void restartPostgres() throws IOException, InterruptedException {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(path -> path.getFileName().toString())
                    .max(Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
        Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
                .redirectErrorStream(true).start();
        assertTrue(restart.waitFor(60, TimeUnit.SECONDS), "pg_ctlcluster restart finishes");
        assertEquals(0, restart.exitValue(), new String(restart.getInputStream().readAllBytes()));
    }

    private static void history(RunCommand run, String group, String token, List<Long> ids, List<String> texts)
            throws IOException {
        long after = 0;
        while (true) {
            HttpResponse<String> page = run.call(run.url("GATEWAY"), "GET",
                    "/api/groups/" + group + "/messages?limit=1000&after=" + after, token, null);
            assertEquals(200, page.statusCode(), page.body());
            JsonPath messages = JsonPath.from(page.body());
            List<Long> pageIds = messages.getList("messages.id", Long.class);
            if (pageIds.isEmpty()) {
                return;
            }
            ids.addAll(pageIds);
            texts.addAll(messages.getList("messages.text", String.class));
            after = pageIds.getLast();
        }
    }

    /** Posts one message after another with fresh clientIds; a refused post is retried, same clientId, until stored. */
    private static final class Poster {
        final String name;
        final Map<Long, String> acknowledged = new ConcurrentHashMap<>();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicLong lastAcknowledged = new AtomicLong();
        final List<Long> acknowledgedAt = new CopyOnWriteArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final Thread thread;

        Poster(RunCommand run, String name, List<String> gateways, String group, String token, CountDownLatch stop) {
            this.name = name;
            this.thread = Thread.ofVirtual().name("poster-" + name).start(() -> {
                int replica = 0;
                for (int n = 1; stop.getCount() > 0; n++) {
                    String clientId = name + "-" + n;
                    // Even when stopping: a refused post may have been stored (a timeout after the
                    // commit), so it is retried until acknowledged, as a real client would.
                    while (true) {
                        try {
                            HttpResponse<String> answer = run.call(gateways.get(replica % gateways.size()), "POST",
                                    "/api/groups/" + group + "/messages", token,
                                    "{\"text\":\"" + clientId + "\",\"clientId\":\"" + clientId + "\"}");
                            if (answer.statusCode() == 201 || answer.statusCode() == 200) {
                                acknowledged.put(JsonPath.from(answer.body()).getLong("id"), clientId);
                                long now = System.nanoTime();
                                lastAcknowledged.set(now);
                                acknowledgedAt.add(now);
                                break;
                            }
                            if (answer.statusCode() != 503) {
                                unexpected.add(answer.statusCode() + " " + answer.body());
                            }
                        } catch (IOException unanswered) {
                            // A replica that is down: try the other one.
                            replica++;
                        }
                        refused.incrementAndGet();
                        // A client's backoff before retrying, not a wait for a condition.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                    awaitLatch(stop, Duration.ofMillis(20));
                }
            });
        }
    }

    private static boolean awaitLatch(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** A stream that reconnects with its last event id whenever it drops, alternating replicas. */
    private static final class ResumingSubscriber {
        final String name;
        final List<Long> received = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread thread;

        ResumingSubscriber(String name, List<String> gateways, String path, String token) {
            this.name = name;
            this.thread = Thread.ofVirtual().name("subscriber").start(() -> {
                String lastEventId = null;
                for (int replica = 0; stopped.getCount() > 0; replica++) {
                    try (SseClient stream = SseClient.connect(gateways.get(replica % gateways.size()) + path, token,
                            lastEventId)) {
                        connections.incrementAndGet();
                        connected.countDown();
                        while (stopped.getCount() > 0) {
                            SseClient.Event event = stream.poll(Duration.ofMillis(200));
                            if (event != null) {
                                if ("group-message".equals(event.event())) {
                                    received.add(JsonPath.from(event.data()).getLong("id"));
                                }
                            } else if (stream.isEnded()) {
                                break;
                            }
                        }
                        // Drain what arrived before the drop, then resume from the last one.
                        SseClient.Event left;
                        while ((left = stream.poll(Duration.ZERO)) != null) {
                            if ("group-message".equals(left.event())) {
                                received.add(JsonPath.from(left.data()).getLong("id"));
                            }
                        }
                        if (stream.lastEventId() != null) {
                            lastEventId = stream.lastEventId();
                        }
                    } catch (AssertionError refused) {
                        // The replica is down or not ready: the next try goes to the other one.
                    } catch (InterruptedException e) {
                        return;
                    }
                    awaitLatch(stopped, Duration.ofMillis(200));
                }
            });
        }

        void awaitConnected() {
            assertTrue(awaitLatch(connected, Duration.ofSeconds(30)), name + " connects");
        }

        List<Long> ids() {
            return List.copyOf(received);
        }

        void stop() {
            stopped.countDown();
        }
    }
}
