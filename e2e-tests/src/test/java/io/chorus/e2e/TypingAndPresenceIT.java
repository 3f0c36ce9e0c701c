package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Typing and presence across two gateway replicas (SPEC, Live streams): ephemeral events with no
 * {@code id:} line, delivered to the right streams on every replica and to no one outside the
 * conversation, typing at most once per 2 s, presence not flapping on a reconnect, and a killed
 * replica's users going offline within a bounded time.
 */
@AgainstCluster.Gateways(2)
class TypingAndPresenceIT extends AgainstCluster {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Presence's grace (10 s) and a sync (2 s) after it, with a margin. */
    private static final Duration GRACE_PLUS_SYNC = Duration.ofSeconds(13);

    private static String onlineIn(Api through, String token, String group) {
        return given().auth().oauth2(token).get(through.gateway() + "/api/groups/" + group + "/presence")
                .then().statusCode(200).extract().jsonPath().getList("online").toString();
    }

    @Test
    void typingReachesMembersOnEveryReplicaAtMostOnceEveryTwoSeconds() throws Exception {
        Api first = new Api(cluster, "group-gateway");
        Api second = new Api(cluster, "group-gateway-2");
        Api.Duo duo = first.groupWithAliceAndBob("typing");
        String group = duo.group();
        String carol = first.signUp(Api.unique("carol"));
        try (SseClient bobGroup = second.groupStream(duo.bob(), group, "");
             SseClient bobAll = first.everything(duo.bob(), "");
             SseClient aliceOwn = second.groupStream(duo.alice(), group, "");
             SseClient carolAll = second.everything(carol, "")) {
            for (int i = 0; i < 5; i++) {
                given().auth().oauth2(duo.alice()).contentType(ContentType.JSON).post(first.gateway() + "/api/groups/" + group + "/typing")
                        .then().statusCode(204);
            }
            SseClient.Event typing = bobGroup.nextEphemeral("typing", WAIT);
            assertEquals(group, JsonPath.from(typing.data()).getString("group"));
            assertEquals(duo.aliceName(), JsonPath.from(typing.data()).getString("user"));
            assertEquals(null, typing.id(), "an ephemeral event has no id line");
            assertEquals(duo.aliceName(), JsonPath.from(bobAll.nextEphemeral("typing", WAIT).data()).getString("user"));
            assertEquals(List.of(), bobGroup.ephemeralWithin("typing", Duration.ofMillis(1500)),
                    "five notices within 2 s show as one");
            assertEquals(List.of(), aliceOwn.ephemeralWithin("typing", Duration.ofMillis(200)), "not echoed to the typist");
            assertEquals(List.of(), carolAll.ephemeralWithin("typing", Duration.ofMillis(200)), "not shown outside the group");
            // Ephemeral events left the log's cursor alone: a post still comes with the next id.
            long id = first.post(duo.alice(), group, "after typing").getLong("id");
            assertEquals(String.valueOf(id), bobGroup.next(WAIT).id());

            given().auth().oauth2(carol).contentType(ContentType.JSON).post(first.gateway() + "/api/groups/" + group + "/typing")
                    .then().statusCode(403).contentType("application/problem+json");
            given().auth().oauth2(carol).contentType(ContentType.JSON).post(first.gateway() + "/api/groups/" + Api.unique("nowhere") + "/typing")
                    .then().statusCode(404);
        }
    }

    @Test
    void dmTypingNamesTheConversationAsTheReceiverSeesIt() throws Exception {
        Api first = new Api(cluster, "group-gateway");
        Api second = new Api(cluster, "group-gateway-2");
        String annName = Api.unique("ann");
        String benName = Api.unique("ben");
        String ann = first.signUp(annName);
        String ben = first.signUp(benName);
        String cy = first.signUp(Api.unique("cy"));
        try (SseClient benAll = second.everything(ben, "");
             SseClient annSelf = first.everything(ann, "?self=true");
             SseClient cyAll = second.everything(cy, "")) {
            given().auth().oauth2(ann).contentType(ContentType.JSON).post(first.dms() + "/api/dms/" + benName + "/typing").then().statusCode(204);
            JsonPath shown = JsonPath.from(benAll.nextEphemeral("typing", WAIT).data());
            assertEquals(annName, shown.getString("peer"));
            assertEquals(annName, shown.getString("user"));
            JsonPath echoed = JsonPath.from(annSelf.nextEphemeral("typing", WAIT).data());
            assertEquals(benName, echoed.getString("peer"), "the typist's own stream names the conversation as she sees it");
            assertEquals(List.of(), cyAll.ephemeralWithin("typing", Duration.ofMillis(300)));
            given().auth().oauth2(ann).contentType(ContentType.JSON).post(first.dms() + "/api/dms/" + Api.unique("nobody") + "/typing").then().statusCode(404);
            given().auth().oauth2(ann).contentType(ContentType.JSON).post(first.dms() + "/api/dms/" + annName + "/typing").then().statusCode(400);
        }
    }

    @Test
    void presenceIsSharedByTheReplicasDoesNotFlapAndEndsWhenAReplicaDies() throws Exception {
        Api first = new Api(cluster, "group-gateway");
        Api second = new Api(cluster, "group-gateway-2");
        Api.Duo duo = first.groupWithAliceAndBob("presence");
        String group = duo.group();
        String dave = first.signUp(Api.unique("dave"));
        try (SseClient bobAll = first.everything(duo.bob(), "");
             SseClient daveAll = first.everything(dave, "")) {
            SseClient alice = second.everything(duo.alice(), "");
            JsonPath online = JsonPath.from(bobAll.nextEphemeral("presence", WAIT).data());
            assertEquals(duo.aliceName(), online.getString("user"));
            assertTrue(online.getBoolean("online"));
            await("alice listed as online through the other replica").atMost(WAIT)
                    .until(() -> onlineIn(first, duo.bob(), group).contains(duo.aliceName()));

            // A reconnect within the grace is no news: no offline, no second online.
            alice.close();
            SseClient back = second.everything(duo.alice(), "");
            assertEquals(List.of(), bobAll.ephemeralWithin("presence", GRACE_PLUS_SYNC),
                    "a reconnect within the grace does not flap");
            assertEquals(List.of(), daveAll.ephemeralWithin("presence", Duration.ofMillis(100)),
                    "no one outside alice's groups hears of her");

            // The replica dies: its heartbeat stops, and after the staleness bound alice is offline.
            long killed = System.nanoTime();
            cluster.kill("group-gateway-2");
            back.close();
            try {
                JsonPath offline = JsonPath.from(bobAll.nextEphemeral("presence", Duration.ofSeconds(40)).data());
                assertEquals(duo.aliceName(), offline.getString("user"));
                assertTrue(!offline.getBoolean("online"));
                System.out.printf("presence: offline announced %d ms after the replica was killed%n",
                        Duration.ofNanos(System.nanoTime() - killed).toMillis());
                assertTrue(!onlineIn(first, duo.bob(), group).contains(duo.aliceName()));
                assertTrue(onlineIn(first, duo.bob(), group).contains(duo.bobName()));
                given().auth().oauth2(dave).get(first.gateway() + "/api/groups/" + group + "/presence").then().statusCode(403);
            } finally {
                // For the suite's other tests, whatever their order.
                cluster.restart("group-gateway-2");
            }
        }
    }

    @Test
    void aMemberOnlineWhenTheyJoinIsAnnouncedRightAfterTheirJoinOnEveryReplica() throws Exception {
        Api first = new Api(cluster, "group-gateway");
        Api second = new Api(cluster, "group-gateway-2");
        String annName = Api.unique("ann");
        String benName = Api.unique("ben");
        String ann = first.signUp(annName);
        String ben = first.signUp(benName);
        String group = Api.unique("joined");
        String lobby = Api.unique("lobby");
        first.createGroup(ann, group);
        first.createGroup(ann, lobby);
        first.join(ben, lobby);
        try (SseClient benAll = first.everything(ben, "");
             SseClient annGroup = first.groupStream(ann, group, "");
             SseClient annAll = second.everything(ann, "")) {
            await("the other replica knows ben is online").atMost(WAIT)
                    .until(() -> onlineIn(second, ann, lobby).contains(benName));
            first.join(ben, group);
            for (SseClient stream : List.of(annGroup, annAll)) {
                assertEquals("member-joined", nextOf(stream, "member-joined").event());
                JsonPath online = JsonPath.from(stream.nextEphemeral("presence", Duration.ofSeconds(2)).data());
                assertEquals(benName, online.getString("user"), "ben is announced online in the group he joined");
                assertTrue(online.getBoolean("online"));
            }
        }
    }

    /** The next event of the type, skipping others. */
    private static SseClient.Event nextOf(SseClient stream, String type) throws InterruptedException {
        while (true) {
            SseClient.Event event = stream.next(WAIT);
            if (event.event().equals(type)) {
                return event;
            }
        }
    }
}
