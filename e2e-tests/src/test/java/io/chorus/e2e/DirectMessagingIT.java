package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Direct messages end to end: dm-service, the bus, the gateway's /api/events, real SSE. */
@AgainstCluster.PerUserLimitsOff
class DirectMessagingIT extends AgainstCluster {

    static final Duration WAIT = Duration.ofSeconds(30);

    private static long id(SseClient.Event event) {
        return JsonPath.from(event.data()).getLong("id");
    }

    @Test
    void deliversLiveToTheRecipientOnlyAndKeepsItForTheOffline() throws Exception {
        String aliceName = Api.unique("alice");
        String bobName = Api.unique("bob");
        String carolName = Api.unique("carol");
        String alice = api.signUp(aliceName);
        String bob = api.signUp(bobName);
        String carol = api.signUp(carolName);
        String dave = api.signUp(Api.unique("dave"));
        try (SseClient bobAll = api.everything(bob, "");
             SseClient aliceAll = api.everything(alice, "")) {
            long sent = api.sendDm(alice, bobName, "psst").getLong("id");
            SseClient.Event received = bobAll.next(WAIT);
            assertEquals("direct-message", received.event());
            JsonPath data = JsonPath.from(received.data());
            assertEquals(sent, data.getLong("id"));
            assertEquals(aliceName, data.getString("from"));
            assertEquals(bobName, data.getString("to"));
            long reply = api.sendDm(bob, aliceName, "yes?").getLong("id");
            // alice's stream did not echo her own DM: bob's reply is the first thing on it.
            assertEquals(reply, id(aliceAll.next(WAIT)));
        }
        api.sendDm(alice, carolName, "read me later");
        given().auth().oauth2(carol).get(api.dms() + "/api/dms/" + aliceName + "/messages")
                .then().statusCode(200).body("messages.text", contains("read me later"));
        // A third user sees neither the conversation nor its list entry.
        given().auth().oauth2(dave).get(api.dms() + "/api/dms/" + aliceName + "/messages")
                .then().statusCode(200).body("messages", hasSize(0));
        given().auth().oauth2(dave).get(api.dms() + "/api/dms")
                .then().statusCode(200).body("conversations", hasSize(0));
        given().auth().oauth2(bob).get(api.dms() + "/api/dms")
                .then().statusCode(200).body("conversations.peer", contains(aliceName))
                .body("conversations.peer", not(hasItem(carolName)));
    }

    @Test
    void deliversFiveHundredDmsCompleteAndInOrder() throws Exception {
        String aliceName = Api.unique("alice");
        String bobName = Api.unique("bob");
        String alice = api.signUp(aliceName);
        String bob = api.signUp(bobName);
        int count = 500;
        try (SseClient bobAll = api.everything(bob, "?self=true")) {
            TreeSet<Long> sent = new TreeSet<>();
            List<Future<Long>> sends = new ArrayList<>();
            try (ExecutorService senders = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < count; i++) {
                    boolean fromAlice = i % 2 == 0;
                    int n = i;
                    sends.add(senders.submit(() -> api.sendDm(fromAlice ? alice : bob, fromAlice ? bobName : aliceName,
                            "dm " + n).getLong("id")));
                }
            }
            for (Future<Long> send : sends) {
                sent.add(send.get(60, TimeUnit.SECONDS));
            }
            assertEquals(count, sent.size());
            List<Long> streamed = bobAll.take(count, WAIT.multipliedBy(2)).stream().map(DirectMessagingIT::id).toList();
            assertEquals(new ArrayList<>(sent), streamed);
        }
        List<Long> history = given().auth().oauth2(alice).queryParam("limit", 1000)
                .get(api.dms() + "/api/dms/" + bobName + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class);
        assertEquals(count, history.size());
        assertEquals(new ArrayList<>(new TreeSet<>(history)), history);
    }

    @Test
    void repeatedClientIdReturnsTheFirstDm() {
        String bobName = Api.unique("bob");
        String alice = api.signUp(Api.unique("alice"));
        api.signUp(bobName);
        long first = given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"text\":\"once\",\"clientId\":\"retry-1\"}")
                .post(api.dms() + "/api/dms/" + bobName + "/messages")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        given().auth().oauth2(alice).contentType(ContentType.JSON)
                .body("{\"text\":\"twice\",\"clientId\":\"retry-1\"}")
                .post(api.dms() + "/api/dms/" + bobName + "/messages")
                .then().statusCode(200).body("id", equalTo((int) first)).body("text", equalTo("once"));
    }

    @Test
    void resumeOnTheEverythingStreamCoversDmsAndGroupMessages() throws Exception {
        String aliceName = Api.unique("alice");
        String bobName = Api.unique("bob");
        String alice = api.signUp(aliceName);
        String bob = api.signUp(bobName);
        String group = Api.unique("both");
        api.createGroup(alice, group);
        api.join(bob, group);
        String cursor;
        try (SseClient bobAll = api.everything(bob, "")) {
            api.sendDm(alice, bobName, "first");
            cursor = bobAll.next(WAIT).id();
        }
        long groupMessage = api.post(alice, group, "while away").getLong("id");
        long dm = api.sendDm(alice, bobName, "also while away").getLong("id");
        try (SseClient resumed = SseClient.connect(api.gateway() + "/api/events", bob, cursor)) {
            List<SseClient.Event> missed = resumed.take(2, WAIT);
            assertEquals(List.of("group-message", "direct-message"), missed.stream().map(SseClient.Event::event).toList());
            assertEquals(List.of(groupMessage, dm), missed.stream().map(DirectMessagingIT::id).toList());
        }
    }
}
