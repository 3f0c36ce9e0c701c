package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two gateway replicas behave as one: posts, joins and leaves on one reach streams on the other. */
@AgainstCluster.Gateways(2)
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
    void joinsAndLeavesOnOneReplicaApplyToStreamsOnTheOther() throws Exception {
        String group = Api.unique("members");
        String alice = first.signUp(Api.unique("alice"));
        String carol = first.signUp(Api.unique("carol"));
        first.createGroup(alice, group);
        try (SseClient carolOnSecond = second.everything(carol, "")) {
            // Carol's stream on the second replica was opened before she joined, through the first.
            first.join(carol, group);
            // The join travels to the other replica on the bus, as the message does, from another
            // publisher: ZeroMQ does not order the two, so a message sent within a millisecond of
            // the join may reach carol only when she resumes. Membership itself must arrive.
            List<Long> posted = new java.util.ArrayList<>();
            SseClient.Event received = await("carol's stream on the other replica follows her join")
                    .atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        posted.add(first.post(alice, group, "welcome carol").getLong("id"));
                        return carolOnSecond.poll(Duration.ofMillis(200));
                    }, java.util.Objects::nonNull);
            assertTrue(posted.contains(id(received)), "a message posted after the join");
        }
        try (SseClient carolGroupOnSecond = second.groupStream(carol, group, "")) {
            given().auth().oauth2(carol).delete(first.gateway() + "/api/groups/" + group + "/members/me")
                    .then().statusCode(204);
            assertTrue(carolGroupOnSecond.awaitEnd(WAIT), "her group stream on the other replica ends too");
        }
    }
}
