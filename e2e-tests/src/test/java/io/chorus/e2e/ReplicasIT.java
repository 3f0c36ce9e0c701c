package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway replicas behave as one: posts, joins and leaves on one reach streams on the other. */
@AgainstCluster.Gateways(2)
@AgainstCluster.PerUserLimitsOff
class ReplicasIT extends AgainstCluster {

    static final Duration WAIT = Duration.ofSeconds(30);
    static Api first;
    static Api second;

    @BeforeAll
    static void oneApiPerReplica() {
        first = new Api(cluster, "group-gateway");
        second = new Api(cluster, "group-gateway-2");
    }

    private static long id(SseClient.Event event) {
        return JsonPath.from(event.data()).getLong("id");
    }

    @Test
    void messagePostedThroughOneReplicaReachesStreamsOnTheOther() throws Exception {
        String group = Api.unique("spread");
        String alice = first.signUp(Api.unique("alice"));
        String bobName = Api.unique("bob");
        String bob = first.signUp(bobName);
        first.createGroup(alice, group);
        second.join(bob, group);
        try (SseClient onSecondGroup = second.groupStream(bob, group, "");
             SseClient onSecondAll = second.everything(bob, "");
             SseClient onFirstAll = first.everything(bob, "")) {
            long posted = first.post(alice, group, "through the first").getLong("id");
            for (SseClient stream : List.of(onSecondGroup, onSecondAll, onFirstAll)) {
                assertEquals(posted, id(stream.next(WAIT)));
            }
            long dm = first.sendDm(alice, bobName, "a DM reaches both replicas too").getLong("id");
            assertEquals(dm, id(onSecondAll.next(WAIT)));
            assertEquals(dm, id(onFirstAll.next(WAIT)));
        }
    }

    @Test
    void joinsAndLeavesOnOneReplicaApplyToStreamsOnTheOtherAtTheirPlaceInTheLog() throws Exception {
        String group = Api.unique("members");
        String alice = first.signUp(Api.unique("alice"));
        String carol = first.signUp(Api.unique("carol"));
        first.createGroup(alice, group);
        try (SseClient carolOnSecond = second.everything(carol, "");
             SseClient aliceOnSecond = second.groupStream(alice, group, "")) {
            // Carol's stream on the second replica was opened before she joined, through the first.
            long joined = first.joinAt(carol, group);
            SseClient.Event join = aliceOnSecond.next(WAIT);
            assertEquals("member-joined", join.event());
            assertEquals(String.valueOf(joined), join.id());
            long posted = first.post(alice, group, "welcome carol").getLong("id");
            assertEquals(posted, id(carolOnSecond.next(WAIT)), "the first message after her join, nothing before");
        }
        try (SseClient carolGroupOnSecond = second.groupStream(carol, group, "")) {
            given().auth().oauth2(carol).delete(first.gateway() + "/api/groups/" + group + "/members/me")
                    .then().statusCode(204);
            assertTrue(carolGroupOnSecond.awaitEnd(WAIT), "her group stream on the other replica ends too");
        }
    }

    /**
     * The race that membership in the log closes: carol joins and leaves through one replica while
     * alice posts without pause through the other. Carol's streams on both replicas show exactly
     * the messages that history holds between each of her joins and the following leave.
     */
    @Test
    void joinsRacingPostsOnAnotherReplicaShowExactlyWhatFollowsTheJoin() throws Exception {
        int rounds = Integer.getInteger("chorus.race.rounds", 200);
        String group = Api.unique("race");
        String alice = first.signUp(Api.unique("alice"));
        String carol = first.signUp(Api.unique("carol"));
        first.createGroup(alice, group);
        AtomicBoolean posting = new AtomicBoolean(true);
        AtomicInteger posts = new AtomicInteger();
        List<Long> joins = new ArrayList<>();
        List<SseClient.Event> seen = new ArrayList<>();
        List<SseClient.Event> seenOnFirst = new ArrayList<>();
        try (SseClient carolOnSecond = second.everything(carol, "?self=true");
             SseClient carolOnFirst = first.everything(carol, "?self=true");
             ExecutorService poster = Executors.newSingleThreadExecutor()) {
            Future<?> posted = poster.submit(() -> {
                while (posting.get()) {
                    first.post(alice, group, "tick " + posts.incrementAndGet());
                }
            });
            for (int round = 0; round < rounds; round++) {
                joins.add(second.joinAt(carol, group));
                int before = posts.get();
                await().atMost(WAIT).until(() -> posts.get() > before);
                given().auth().oauth2(carol).delete(second.gateway() + "/api/groups/" + group + "/members/me")
                        .then().statusCode(204);
            }
            posting.set(false);
            posted.get(30, TimeUnit.SECONDS);
            readUntilLeaves(carolOnSecond, rounds, seen);
            readUntilLeaves(carolOnFirst, rounds, seenOnFirst);
        }
        assertEquals(seen, seenOnFirst, "both replicas show her the same events with the same cursors");
        List<Long> streamJoins = seen.stream().filter(e -> e.event().equals("member-joined"))
                .map(e -> Long.parseLong(e.id().split("-")[0])).toList();
        assertEquals(joins, streamJoins, "every join on the stream, at the position the join answered");
        List<Long> leaves = seen.stream().filter(e -> e.event().equals("member-left"))
                .map(e -> Long.parseLong(e.id().split("-")[0])).toList();

        List<Long> history = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Long> page = given().auth().oauth2(alice).queryParam("after", after).queryParam("limit", 1000)
                    .get(first.gateway() + "/api/groups/" + group + "/messages")
                    .then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class);
            if (page.isEmpty()) {
                break;
            }
            history.addAll(page);
            after = page.getLast();
        }
        List<Long> expected = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            long from = joins.get(round);
            long to = leaves.get(round);
            history.stream().filter(id -> id > from && id < to).forEach(expected::add);
        }
        List<Long> delivered = seen.stream().filter(e -> e.event().equals("group-message")).map(ReplicasIT::id).toList();
        System.out.printf("join race: %d rounds, %d posts, %d messages in history, %d within carol's memberships, "
                + "%d delivered to her%n", rounds, posts.get(), history.size(), expected.size(), delivered.size());
        assertEquals(expected, delivered, "exactly what history holds between each join and leave, in order");
        assertTrue(expected.size() >= rounds, "each round saw at least one message");
    }

    private static void readUntilLeaves(SseClient stream, int leaves, List<SseClient.Event> into) throws InterruptedException {
        int seen = 0;
        while (seen < leaves) {
            SseClient.Event event = stream.next(WAIT);
            into.add(event);
            if (event.event().equals("member-left")) {
                seen++;
            }
        }
    }
}
