package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Group messaging end to end: gateway, ZeroMQ proxy, history-service, PostgreSQL, real SSE. */
@AgainstCluster.PerUserLimitsOff
class GroupMessagingIT extends AgainstCluster {

    static final Duration WAIT = Duration.ofSeconds(30);

    private static long id(SseClient.Event event) {
        return JsonPath.from(event.data()).getLong("id");
    }

    @Test
    void deliversToMembersLiveAndFiltersOwnMessages() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("team");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();

        try (SseClient bobGroup = api.groupStream(bob, group, "");
             SseClient bobAll = api.everything(bob, "");
             SseClient aliceDefault = api.groupStream(alice, group, "");
             SseClient aliceSelf = api.groupStream(alice, group, "?self=true")) {
            long first = api.post(alice, group, "hello team").getLong("id");
            for (SseClient stream : List.of(bobGroup, bobAll, aliceSelf)) {
                SseClient.Event event = stream.next(WAIT);
                assertEquals("group-message", event.event());
                assertEquals(first, id(event));
                JsonPath data = JsonPath.from(event.data());
                assertEquals("hello team", data.getString("text"));
                assertEquals(group, data.getString("group"));
            }

            long reply = api.post(bob, group, "hi alice").getLong("id");
            // alice's default stream skipped her own message: the first thing it shows is bob's.
            assertEquals(reply, id(aliceDefault.next(WAIT)));
            long third = api.post(alice, group, "third").getLong("id");
            // bob's streams skipped his own reply and show alice's next one.
            SseClient.Event onGroup = bobGroup.next(WAIT);
            assertEquals(third, id(onGroup));
            assertEquals(String.valueOf(third), onGroup.id());
            SseClient.Event onAll = bobAll.next(WAIT);
            assertEquals(third, id(onAll));
            assertTrue(onAll.id().startsWith(third + "-"), onAll.id());
        }
    }

    @Test
    void keepsNonMembersOutAndAnswers404ForUnknownGroups() {
        String group = Api.unique("closed");
        String alice = api.signUp(Api.unique("alice"));
        String carol = api.signUp(Api.unique("carol"));
        api.createGroup(alice, group);
        for (String path : new String[] {group, Api.unique("nowhere")}) {
            int expected = path.equals(group) ? 403 : 404;
            given().auth().oauth2(carol).contentType(ContentType.JSON).body("{\"text\":\"let me in\"}")
                    .post(api.gateway() + "/api/groups/" + path + "/messages")
                    .then().statusCode(expected).contentType("application/problem+json");
            given().auth().oauth2(carol).get(api.gateway() + "/api/groups/" + path + "/messages")
                    .then().statusCode(expected);
            given().auth().oauth2(carol).accept("text/event-stream")
                    .get(api.gateway() + "/api/groups/" + path + "/events").then().statusCode(expected);
        }
        given().auth().oauth2(alice).get(api.gateway() + "/api/groups/" + group + "/messages")
                .then().statusCode(200);
    }

    @Test
    void deliversAThousandConcurrentMessagesInOneOrderToEverySubscriber() throws Exception {
        String group = Api.unique("busy");
        String[] members = {api.signUp(Api.unique("ann")), api.signUp(Api.unique("ben")), api.signUp(Api.unique("cat"))};
        api.createGroup(members[0], group);
        api.join(members[1], group);
        api.join(members[2], group);
        int count = 1000;
        try (SseClient first = api.groupStream(members[0], group, "?self=true");
             SseClient second = api.everything(members[1], "?self=true");
             SseClient third = api.groupStream(members[2], group, "?self=true")) {
            Set<Long> posted = new TreeSet<>();
            List<Future<Long>> posts = new ArrayList<>();
            try (ExecutorService senders = Executors.newFixedThreadPool(12)) {
                for (int i = 0; i < count; i++) {
                    String token = members[i % 3];
                    int n = i;
                    posts.add(senders.submit(() -> api.post(token, group, "message " + n).getLong("id")));
                }
            }
            for (Future<Long> post : posts) {
                posted.add(post.get(60, TimeUnit.SECONDS));
            }
            assertEquals(count, posted.size());
            List<Long> order = first.take(count, WAIT.multipliedBy(4)).stream().map(GroupMessagingIT::id).toList();
            assertEquals(new ArrayList<>(posted), order, "every message once, in id order");
            assertEquals(order, second.take(count, WAIT).stream().map(GroupMessagingIT::id).toList());
            assertEquals(order, third.take(count, WAIT).stream().map(GroupMessagingIT::id).toList());
        }
        List<Long> history = given().auth().oauth2(members[0]).queryParam("limit", 1000)
                .get(api.gateway() + "/api/groups/" + group + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class);
        assertEquals(count, history.size());
        assertEquals(new ArrayList<>(new TreeSet<>(history)), history, "history is in id order");
    }

    @Test
    void resumesFromLastEventIdWithNothingMissedOrRepeated() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("resume");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();
        String groupCursor;
        String allCursor;
        try (SseClient bobGroup = api.groupStream(bob, group, "");
             SseClient bobAll = api.everything(bob, "")) {
            api.post(alice, group, "seen");
            groupCursor = bobGroup.next(WAIT).id();
            allCursor = bobAll.next(WAIT).id();
        }
        long missed1 = api.post(alice, group, "missed 1").getLong("id");
        long missed2 = api.post(alice, group, "missed 2").getLong("id");
        try (SseClient bobGroup = SseClient.connect(api.gateway() + "/api/groups/" + group + "/events", bob, groupCursor);
             SseClient bobAll = SseClient.connect(api.gateway() + "/api/events", bob, allCursor)) {
            long live = api.post(alice, group, "live again").getLong("id");
            for (SseClient stream : List.of(bobGroup, bobAll)) {
                assertEquals(List.of(missed1, missed2, live),
                        stream.take(3, WAIT).stream().map(GroupMessagingIT::id).toList());
            }
        }
    }

    @Test
    void resumesAcrossAGatewayRestart() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("restart");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();
        String cursor;
        try (SseClient bobGroup = api.groupStream(bob, group, "")) {
            api.post(alice, group, "before restart");
            cursor = bobGroup.next(WAIT).id();
            cluster.restart("group-gateway");
            assertTrue(bobGroup.awaitEnd(WAIT), "the old connection ended with the gateway");
        }
        long after = api.post(alice, group, "after restart").getLong("id");
        try (SseClient resumed = SseClient.connect(api.gateway() + "/api/groups/" + group + "/events", bob, cursor)) {
            assertEquals(after, id(resumed.next(WAIT)));
        }
    }

    /**
     * SIGTERM: readiness goes down while the streams are still open, then they end a few at a
     * time (here 10 a second, so the order shows from outside), each right after a {@code retry:};
     * posts meanwhile are answered; clients that resume as told miss nothing and get nothing twice.
     */
    @Test
    void drainsItsStreamsOnSigtermAfterReadinessGoesDownAndResumersMissNothing() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("drain");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();
        cluster.configure("group-gateway", Map.of("GATEWAY_STREAM_DRAIN_RATE", "10"));
        HttpClient http = HttpClient.newHttpClient();
        List<SseClient> streams = new ArrayList<>();
        List<ResumingSubscriber> resumers = new ArrayList<>();
        try {
            cluster.restart("group-gateway");
            String url = api.gateway() + "/api/groups/" + group + "/events";
            for (int i = 0; i < 20; i++) {
                streams.add(SseClient.connect(url, bob));
            }
            CountDownLatch connected = new CountDownLatch(5);
            for (int i = 0; i < 5; i++) {
                resumers.add(new ResumingSubscriber(http, lastEventId -> {
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                            .header("Accept", "text/event-stream").header("Authorization", "Bearer " + bob);
                    return (lastEventId == null ? request : request.header("Last-Event-ID", lastEventId)).build();
                }, () -> { }, connected::countDown));
            }
            assertTrue(connected.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the resuming clients connected");
            for (SseClient stream : streams) {
                long retry = stream.openingRetry().orElseThrow(() -> new AssertionError("no retry: at open")).toMillis();
                assertTrue(retry >= 1000 && retry <= 3000, "the default window: " + retry);
            }
            int seq = 0;
            for (; seq < 5; seq++) {
                api.post(alice, group, BenchSubscriber.marker(seq, System.nanoTime()));
            }
            int before = seq;
            Awaitility.await("the first posts reach the resuming clients").atMost(WAIT)
                    .until(() -> resumers.stream().allMatch(r -> r.hasAll(before)));

            ReadinessWatch watch = new ReadinessWatch(http, cluster.url("group-gateway"));
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.stop("group-gateway"));
            Awaitility.await("readiness down").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                    .until(watch::sawDown);
            long openWhenDown = streams.stream().filter(stream -> !stream.isEnded()).count();
            // Posts while it drains are still answered, and reach everyone once resumed.
            for (; seq < 10; seq++) {
                api.post(alice, group, BenchSubscriber.marker(seq, System.nanoTime()));
            }
            for (SseClient stream : streams) {
                assertTrue(stream.awaitEnd(WAIT), "the drain ends every stream");
            }
            stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            watch.stop();

            assertTrue(openWhenDown > 10, "readiness was down while most streams were still open: " + openWhenDown);
            long firstEnd = streams.stream().mapToLong(SseClient::endedAt).min().orElseThrow();
            assertFalse(watch.upAskedAfter(firstEnd), "readiness never said up once a stream had been drained");
            for (SseClient stream : streams) {
                long retry = stream.retryBeforeEnd().orElseThrow(() -> new AssertionError("no retry: right before the end"))
                        .toMillis();
                assertTrue(retry >= 1000 && retry <= 3000, "the default window: " + retry);
            }

            cluster.start("group-gateway");
            for (; seq < 15; seq++) {
                api.post(alice, group, BenchSubscriber.marker(seq, System.nanoTime()));
            }
            int all = seq;
            Awaitility.await("every message reaches every resuming client").atMost(WAIT)
                    .until(() -> resumers.stream().allMatch(r -> r.hasAll(all)));
            for (ResumingSubscriber resumer : resumers) {
                assertEquals(all, resumer.distinct(), "nothing but the posts");
                assertEquals(0, resumer.duplicates(), "and none twice");
                assertTrue(resumer.connections() >= 2, "it resumed on the new gateway");
            }
        } finally {
            streams.forEach(SseClient::close);
            resumers.forEach(ResumingSubscriber::close);
            cluster.configure("group-gateway", Map.of());
        }
    }

    /** Asks a gateway's readiness over and over, noting when each question was sent and the answer. */
    private static final class ReadinessWatch {

        private record Answer(long askedAt, int status) {
        }

        private final List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread asking;
        private volatile boolean stopping;

        ReadinessWatch(HttpClient http, String gateway) {
            HttpRequest ready = HttpRequest.newBuilder(URI.create(gateway + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build();
            asking = Thread.ofVirtual().name("readiness-watch").start(() -> {
                while (!stopping) {
                    long askedAt = System.nanoTime();
                    try {
                        answers.add(new Answer(askedAt, http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode()));
                    } catch (IOException e) {
                        answers.add(new Answer(askedAt, -1));
                        // Refused: the gateway has exited.
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        boolean sawDown() {
            synchronized (answers) {
                return answers.stream().anyMatch(answer -> answer.status() == 503);
            }
        }

        boolean upAskedAfter(long nanoTime) {
            synchronized (answers) {
                return answers.stream().anyMatch(answer -> answer.status() == 200 && answer.askedAt() > nanoTime);
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            asking.interrupt();
            asking.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void keepsDeliveringLiveAcrossAHistoryServiceRestart() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("durable");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();
        try (SseClient bobGroup = api.groupStream(bob, group, "")) {
            long before = api.post(alice, group, "before").getLong("id");
            assertEquals(before, id(bobGroup.next(WAIT)));
            cluster.restart("history-service");
            // The restarted publisher's first messages may be lost to ZeroMQ's slow-joiner gap;
            // the gateway still delivers them, from the log, in order.
            long first = api.post(alice, group, "after 1").getLong("id");
            long second = api.post(alice, group, "after 2").getLong("id");
            assertEquals(List.of(first, second), bobGroup.take(2, WAIT).stream().map(GroupMessagingIT::id).toList());
        }
    }

    @Test
    void receivesNothingMoreAfterLeaving() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("leavers");
        String group = duo.group();
        String alice = duo.alice();
        String bob = duo.bob();
        String bobName = duo.bobName();
        try (SseClient bobGroup = api.groupStream(bob, group, "");
             SseClient bobAll = api.everything(bob, "")) {
            given().auth().oauth2(bob).delete(api.gateway() + "/api/groups/" + group + "/members/me")
                    .then().statusCode(204);
            assertTrue(bobGroup.awaitEnd(WAIT), "the group stream ends on leaving");
            api.post(alice, group, "after bob left");
            // A DM sent after the group message: if the group message had reached bob, it would come first.
            long dm = api.sendDm(alice, bobName, "still there?").getLong("id");
            SseClient.Event next = bobAll.next(WAIT);
            assertEquals("direct-message", next.event());
            assertEquals(dm, id(next));
        }
        given().auth().oauth2(bob).get(api.gateway() + "/api/groups/" + group + "/messages").then().statusCode(403);
    }
}
