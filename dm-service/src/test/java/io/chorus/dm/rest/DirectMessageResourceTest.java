package io.chorus.dm.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.dm.testing.FakeUserService;
import io.chorus.dm.testing.FakeUserServiceResource;
import io.chorus.testing.BusSink;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "dms"))
@QuarkusTestResource(BusSinkResource.class)
@QuarkusTestResource(FakeUserServiceResource.class)
class DirectMessageResourceTest {

    @BusSinkResource.InjectBusSink
    BusSink bus;

    @FakeUserServiceResource.InjectUsers
    FakeUserService users;

    /** A fresh registered user; the name keeps the given case, so lookups can be told from it. */
    private String user(String base) {
        return users.register(base + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static Response post(String from, String to, String body) {
        return given().auth().oauth2(TestTokens.valid(from)).contentType(ContentType.JSON).body(body)
                .post("/api/dms/" + to + "/messages");
    }

    private static JsonPath send(String from, String to, String text, String clientId) {
        String body = clientId == null ? "{\"text\":\"" + text + "\"}"
                : "{\"text\":\"" + text + "\",\"clientId\":\"" + clientId + "\"}";
        return post(from, to, body).then().statusCode(201).extract().jsonPath();
    }

    private static JsonPath send(String from, String to, String text) {
        return send(from, to, text, null);
    }

    private static List<String> texts(String reader, String peer) {
        return given().auth().oauth2(TestTokens.valid(reader)).queryParam("limit", 1000)
                .get("/api/dms/" + peer + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("messages.text", String.class);
    }

    private static long head() {
        return internal().get("/internal/dms/head").then().statusCode(200).extract().jsonPath().getLong("position");
    }

    @Test
    void sendsFromTheTokensCallerToThePeerAsRegistered() {
        String alice = user("alice");
        String bob = user("Bob");
        JsonPath message = send(alice, bob.toLowerCase(), "  hello bob  ");
        assertEquals(alice, message.getString("from"));
        assertEquals(bob, message.getString("to"), "the peer's registered case, not the path's");
        assertEquals("hello bob", message.getString("text"));
        assertNotNull(message.getString("sentAt"));
        assertTrue(message.getLong("id") > 0);
        assertEquals(Set.of("id", "from", "to", "text", "sentAt"), message.getMap("").keySet());

        given().auth().oauth2(TestTokens.valid(bob)).get("/api/dms/" + alice + "/messages")
                .then().statusCode(200)
                .body("messages", hasSize(1))
                .body("messages[0].id", equalTo(message.getInt("id")))
                .body("messages[0].from", equalTo(alice))
                .body("messages[0].to", equalTo(bob))
                .body("messages[0].text", equalTo("hello bob"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nobody-", "bad%20name", "x123456789012345678901234567890123"})
    void answers404ForAPeerWhoDoesNotExist(String peer) {
        String alice = user("alice");
        String target = peer.endsWith("-") ? peer + UUID.randomUUID().toString().substring(0, 8) : peer;
        post(alice, target, "{\"text\":\"hi\"}")
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.valid(alice)).get("/api/dms").then().body("conversations", hasSize(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"text\":\"\"}", "{\"text\":\"   \"}", "{}", "{\"text\":5}",
            "{\"text\":\"ok\",\"clientId\":\"has space\"}", "{\"text\":\"ok\",\"clientId\":\"\"}", "nope", ""})
    void refusesBadSendsAndStoresNothing(String body) {
        String alice = user("alice");
        String bob = user("bob");
        post(alice, bob, body).then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of(), texts(alice, bob));
    }

    @Test
    void refusesTextOverTheLimitInsteadOfTruncating() {
        String alice = user("alice");
        String bob = user("bob");
        post(alice, bob, "{\"text\":\"" + "x".repeat(4097) + "\"}")
                .then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of(), texts(alice, bob));
    }

    /** 4,096 characters in every script, sent as they are and as JSON escapes; 4,097 and a control character refused. */
    @Test
    void acceptsTheLongestTextInEveryScriptAndSaysWhatIsWrongWithABadOne() {
        String alice = user("alice");
        String bob = user("bob");
        List<String> longest = java.util.stream.Stream.of("\u00e9", "\u20ac", "\u5b57", "\ud83d\ude00", "\u00e9\u20ac\u5b57\ud83d\ude00")
                .map(c -> c.repeat(4096 / c.codePointCount(0, c.length()))).toList();
        for (String text : longest) {
            send(alice, bob, text);
        }
        post(alice, bob, "{\"text\":\"" + "\\ud83d\\ude00".repeat(4096) + "\"}").then().statusCode(201);
        post(alice, bob, "{\"text\":\"" + "\u20ac".repeat(4097) + "\"}").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("text: must be 1 to 4096 characters (Unicode code points) after trimming (it has 4097)"));
        post(alice, bob, "{\"text\":\"" + "\\u0001".repeat(4096) + "\"}").then().statusCode(400)
                .contentType("application/problem+json").body("detail", equalTo("text: must not contain control characters"
                        + " other than tab, line feed and carriage return (U+0001 at position 1)"));
        List<String> stored = new java.util.ArrayList<>(longest);
        stored.add("\ud83d\ude00".repeat(4096));
        assertEquals(stored, texts(bob, alice), "the accepted ones, whole; nothing of the refused ones");

        long id = send(alice, bob, "to edit").getLong("id");
        for (String text : longest) {
            edit(alice, bob, id, text).statusCode(200).body("text", equalTo(text));
        }
        edit(alice, bob, id, "a\\u0007b").statusCode(400).body("detail", org.hamcrest.Matchers.containsString("U+0007 at position 2"));
        edit(alice, bob, id, "\u5b57".repeat(4097)).statusCode(400).body("detail", org.hamcrest.Matchers.containsString("4096"));
        assertEquals(longest.getLast(), texts(bob, alice).getLast(), "a refused edit changed nothing");
    }

    @Test
    void refusesADirectMessageToYourself() {
        String alice = user("Alice");
        post(alice, alice.toUpperCase(), "{\"text\":\"note to self\"}")
                .then().statusCode(400).contentType("application/problem+json");
        assertEquals(List.of(), texts(alice, alice));
    }

    @Test
    void repeatedClientIdReturnsTheFirstMessageAndStoresOne() {
        String alice = user("alice");
        String bob = user("bob");
        long before = head();
        JsonPath first = send(alice, bob, "once", "c-1");
        post(alice, bob, "{\"text\":\"again\",\"clientId\":\"c-1\"}")
                .then().statusCode(200)
                .body("id", equalTo(first.getInt("id")))
                .body("text", equalTo("once"))
                .body("sentAt", equalTo(first.getString("sentAt")));
        assertEquals(before + 1, head(), "the retry stored nothing");
        assertEquals(List.of("once"), texts(alice, bob));
        // The clientId is the sender's own: someone else may use the same one.
        send(bob, alice, "mine", "c-1");
        assertEquals(List.of("once", "mine"), texts(alice, bob));
    }

    @Test
    void remembersAPeerOnceFoundAndForwardsTheCallersToken() {
        String alice = user("alice");
        String bob = user("bob");
        send(alice, bob, "one");
        send(alice, bob.toUpperCase(), "two");
        send(user("carol"), bob, "three");
        assertEquals(1, users.lookups(bob), "later sends used the remembered name");
        FakeUserService.Lookup lookup = users.seen().stream()
                .filter(seen -> seen.name().equalsIgnoreCase(bob)).findFirst().orElseThrow();
        assertTrue(lookup.authorization().startsWith("Bearer "));
        assertEquals(alice, JsonPath.from(new String(java.util.Base64.getUrlDecoder()
                .decode(lookup.authorization().substring(7).split("\\.")[1]))).getString("upn"));
    }

    @Test
    void asksAgainAboutAPeerNotFoundBefore() {
        String alice = user("alice");
        String later = "later-" + UUID.randomUUID().toString().substring(0, 8);
        post(alice, later, "{\"text\":\"hi\"}").then().statusCode(404);
        post(alice, later, "{\"text\":\"hi\"}").then().statusCode(404);
        assertEquals(2, users.lookups(later));
        users.register(later);
        JsonPath sent = send(alice, later, "hi");
        assertEquals(later, sent.getString("to"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"broken-", "gone-"})
    void answers503WhenUserServiceCannotAnswer(String prefix) {
        String alice = user("alice");
        String peer = prefix + UUID.randomUUID().toString().substring(0, 8);
        post(alice, peer, "{\"text\":\"hi\"}")
                .then().statusCode(503).contentType("application/problem+json");
        assertEquals(List.of(), texts(alice, peer));
    }

    @Test
    void listsConversationsNewestFirstWithTheirLastMessage() {
        String alice = user("alice");
        String bob = user("Bob");
        String carol = user("Carol");
        String dave = user("dave");
        send(alice, bob, "a1");
        JsonPath fromCarol = send(carol, alice.toUpperCase(), "c1");
        JsonPath last = send(alice, bob.toLowerCase(), "a2");
        send(bob, dave, "not alice's");

        JsonPath list = given().auth().oauth2(TestTokens.valid(alice)).get("/api/dms")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(bob, carol), list.getList("conversations.peer"));
        assertEquals(last.getMap(""), list.getMap("conversations[0].lastMessage"));
        assertEquals(last.getString("sentAt"), list.getString("conversations[0].lastAt"));
        assertEquals(fromCarol.getMap(""), list.getMap("conversations[1].lastMessage"));

        given().auth().oauth2(TestTokens.valid(alice)).queryParam("limit", 1).get("/api/dms")
                .then().statusCode(200).body("conversations.peer", contains(bob));
        given().auth().oauth2(TestTokens.valid(alice)).queryParam("before", last.getLong("id")).get("/api/dms")
                .then().statusCode(200).body("conversations.peer", contains(carol));
        given().auth().oauth2(TestTokens.valid(bob)).get("/api/dms")
                .then().statusCode(200).body("conversations.peer", contains(dave, alice));
        given().auth().oauth2(TestTokens.valid(user("eve"))).get("/api/dms")
                .then().statusCode(200).body("conversations", hasSize(0));
    }

    @Test
    void pagesHistoryOldestFirstWithinEachPageForBothParties() {
        String alice = user("alice");
        String bob = user("bob");
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(i % 2 == 0 ? send(bob, alice, "m" + i).getLong("id") : send(alice, bob, "m" + i).getLong("id"));
        }
        send(alice, user("carol"), "elsewhere");
        for (String[] parties : new String[][] {{alice, bob}, {bob, alice}}) {
            String path = "/api/dms/" + parties[1] + "/messages";
            String token = TestTokens.valid(parties[0]);
            given().auth().oauth2(token).get(path).then().statusCode(200)
                    .body("messages.text", contains("m1", "m2", "m3", "m4", "m5"));
            given().auth().oauth2(token).queryParam("limit", 2).get(path)
                    .then().statusCode(200).body("messages.text", contains("m4", "m5"));
            given().auth().oauth2(token).queryParam("limit", 2).queryParam("before", ids.get(3)).get(path)
                    .then().statusCode(200).body("messages.text", contains("m2", "m3"));
            given().auth().oauth2(token).queryParam("limit", 2).queryParam("after", ids.get(0)).get(path)
                    .then().statusCode(200).body("messages.text", contains("m2", "m3"));
            given().auth().oauth2(token).queryParam("after", ids.get(0)).queryParam("before", ids.get(2)).get(path)
                    .then().statusCode(200).body("messages.text", contains("m2"));
        }
    }

    @Test
    void aThirdUserSeesNothingOfSomeoneElsesConversation() {
        String alice = user("alice");
        String bob = user("bob");
        String mallory = user("mallory");
        send(alice, bob, "private");
        send(bob, alice, "also private");
        for (String peer : List.of(alice, bob)) {
            given().auth().oauth2(TestTokens.valid(mallory)).queryParam("after", 0).queryParam("limit", 1000)
                    .get("/api/dms/" + peer + "/messages")
                    .then().statusCode(200).body("messages", hasSize(0));
            given().auth().oauth2(TestTokens.valid(mallory)).get("/api/dms/" + peer + "/messages")
                    .then().statusCode(200).body("messages", hasSize(0));
        }
        given().auth().oauth2(TestTokens.valid(mallory)).get("/api/dms")
                .then().statusCode(200).body("conversations", hasSize(0));
        assertEquals(List.of("private", "also private"), texts(alice, bob));
    }

    @Test
    void concurrentSendsGetContiguousIdsAndAppearCompleteAndInOrder() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        long before = head();
        int count = 500;
        List<Future<Long>> sent = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                sent.add(clients.submit(() -> (n % 2 == 0 ? send(alice, bob, "concurrent " + n)
                        : send(bob, alice, "concurrent " + n)).getLong("id")));
            }
        }
        Set<Long> ids = new TreeSet<>();
        for (Future<Long> id : sent) {
            ids.add(id.get(60, TimeUnit.SECONDS));
        }
        long after = head();
        assertEquals(count, ids.size(), "every send got its own id");
        assertEquals(count, after - before, "the log grew by exactly the sends");
        assertEquals(LongStream.rangeClosed(before + 1, after).boxed().toList(), new ArrayList<>(ids),
                "ids are contiguous");
        JsonPath history = given().auth().oauth2(TestTokens.valid(alice)).queryParam("limit", 1000)
                .get("/api/dms/" + bob + "/messages").then().statusCode(200).extract().jsonPath();
        assertEquals(new ArrayList<>(ids), history.getList("messages.id", Long.class),
                "history holds every send, in id order");
        assertEquals(count, Set.copyOf(history.getList("messages.text")).size());
        // The conversation index, kept in each batch's transaction, ends at the newest DM for both sides.
        for (String side : List.of(alice, bob)) {
            given().auth().oauth2(TestTokens.valid(side)).get("/api/dms").then().statusCode(200)
                    .body("conversations", hasSize(1)).body("conversations[0].lastMessage.id", equalTo((int) after));
        }
    }

    @Test
    void concurrentRetriesOfOneClientIdStoreOneMessage() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        long before = head();
        List<Future<Response>> sent = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                sent.add(clients.submit(() -> post(alice, bob, "{\"text\":\"only once\",\"clientId\":\"retry-1\"}")));
            }
        }
        Set<Long> ids = new TreeSet<>();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> answer : sent) {
            Response response = answer.get(60, TimeUnit.SECONDS);
            statuses.add(response.statusCode());
            ids.add(response.jsonPath().getLong("id"));
        }
        assertEquals(1, ids.size(), "every retry answers with the same message");
        assertEquals(1, statuses.stream().filter(status -> status == 201).count(), "one was created: " + statuses);
        assertEquals(7, statuses.stream().filter(status -> status == 200).count(), "the rest found it: " + statuses);
        assertEquals(1, head() - before, "one message stored");
        assertEquals(List.of("only once"), texts(alice, bob));
    }

    private void awaitBusCarriesMessages() throws InterruptedException {
        String from = user("warm");
        String to = user("up");
        bus.awaitCarrying(() -> send(from, to, "warm-up"));
    }

    @Test
    void publishesEachDmOnTheRecipientsTopicAsTheApiShowsIt() throws Exception {
        awaitBusCarriesMessages();
        String alice = user("alice");
        String bob = user("BOB");
        String body = post(alice, bob, "{\"text\":\"on the bus\"}").then().statusCode(201).extract().asString();
        long id = JsonPath.from(body).getLong("id");
        BusSink.Received received;
        do {
            received = bus.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the DM reached the bus");
        } while (!received.payload().contains("\"id\":" + id + ","));
        assertEquals("dm/" + bob.toLowerCase(), received.topic());
        assertEquals(body, received.payload());
        Map<String, Object> payload = JsonPath.from(received.payload()).getMap("");
        assertEquals(alice, payload.get("from"));
        assertEquals(bob, payload.get("to"));
    }

    private static io.restassured.response.ValidatableResponse edit(String user, String peer, Object id, String text) {
        return given().auth().oauth2(TestTokens.valid(user)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}").patch("/api/dms/" + peer + "/messages/" + id).then();
    }

    private static io.restassured.response.ValidatableResponse delete(String user, String peer, Object id) {
        return given().auth().oauth2(TestTokens.valid(user)).delete("/api/dms/" + peer + "/messages/" + id).then();
    }

    @Test
    void onlyTheSenderEditsOrDeletesADmWhichStaysAsATombstone() throws InterruptedException {
        awaitBusCarriesMessages();
        String ann = user("Ann");
        String ben = user("Ben");
        String cy = user("Cy");
        long start = head();
        long id = send(ann, ben, "helo").getLong("id");
        long other = send(ann, ben, "second").getLong("id");
        long unrelated = send(ben, cy, "not between ann and ben").getLong("id");

        edit(ben, ann, id, "the peer's words").statusCode(403).contentType("application/problem+json");
        delete(ben, ann, id).statusCode(403);
        edit(cy, ann, id, "a third user's words").statusCode(404);
        edit(ann, ben, unrelated, "outside the conversation").statusCode(404);
        edit(ann, ben, "x1", "not an id").statusCode(404);
        edit(ann, ben, id, "").statusCode(400);
        edit(ann, ben, id, "hello").statusCode(200).body("id", equalTo((int) id)).body("text", equalTo("hello"))
                .body("editedAt", org.hamcrest.Matchers.notNullValue());
        assertEquals(List.of("hello", "second"), texts(ben, ann), "history shows the edit");

        delete(ann, ben, other).statusCode(204);
        long headAfterDelete = head();
        delete(ann, ben, other).statusCode(204);
        assertEquals(headAfterDelete, head(), "deleting a tombstone again appends nothing");
        edit(ann, ben, other, "too late").statusCode(409);
        JsonPath page = given().auth().oauth2(TestTokens.valid(ben)).get("/api/dms/" + ann + "/messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(id, other), page.getList("messages.id", Long.class));
        assertEquals(java.util.Arrays.asList(null, true), page.getList("messages.deleted"));
        assertEquals(java.util.Arrays.asList("hello", null), page.getList("messages.text"));

        JsonPath log = internal().queryParam("after", start).queryParam("user", ann).get("/internal/dms")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("message", "message", "message-edited", "message-deleted"), log.getList("entries.kind"));
        assertEquals(List.of(id, other), log.getList("entries.findAll { it.target != null }.target", Long.class));

        BusSink.Received received;
        do {
            received = bus.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the edit reached the bus");
        } while (!received.topic().equals("dm-change/" + ben.toLowerCase()));
        assertEquals("message-edited", JsonPath.from(received.payload()).getString("kind"));
    }

    @Test
    void searchFindsTheConversationsMessagesHoldingEveryWordAndNoOneElses() {
        String ann = user("Ann");
        String ben = user("Ben");
        String cy = user("Cy");
        long cake = send(ann, ben, "bring the cake").getLong("id");
        long reply = send(ben, ann, "which CAKE?").getLong("id");
        long gone = send(ann, ben, "cake to delete").getLong("id");
        send(ann, cy, "cake for cy");
        delete(ann, ben, gone).statusCode(204);

        for (String reader : List.of(ann, ben)) {
            String peer = reader.equals(ann) ? ben : ann;
            given().auth().oauth2(TestTokens.valid(reader)).queryParam("q", "cake").get("/api/dms/" + peer + "/messages")
                    .then().statusCode(200).body("messages.id", contains((int) cake, (int) reply));
        }
        given().auth().oauth2(TestTokens.valid(ann)).queryParam("q", "bring cake").get("/api/dms/" + ben + "/messages")
                .then().statusCode(200).body("messages.id", contains((int) cake));
        given().auth().oauth2(TestTokens.valid(ann)).queryParam("q", "pie").get("/api/dms/" + ben + "/messages")
                .then().statusCode(200).body("messages", hasSize(0));
        given().auth().oauth2(TestTokens.valid(cy)).queryParam("q", "cake").get("/api/dms/" + ben + "/messages")
                .then().statusCode(200).body("messages", hasSize(0));
        given().auth().oauth2(TestTokens.valid(ann)).queryParam("q", "cake").queryParam("limit", 1)
                .get("/api/dms/" + ben + "/messages").then().statusCode(200).body("messages.id", contains((int) reply));
        given().auth().oauth2(TestTokens.valid(ann)).queryParam("q", "  ").get("/api/dms/" + ben + "/messages")
                .then().statusCode(400);
    }

    private static int markRead(String user, String peer, String body) {
        return given().auth().oauth2(TestTokens.valid(user)).contentType(ContentType.JSON).body(body)
                .put("/api/dms/" + peer + "/read").then().extract().statusCode();
    }

    /** The user's conversation with the peer as {@code GET /api/dms} lists it. */
    private static Map<String, Object> listed(String user, String peer) {
        List<Map<String, Object>> conversations = given().auth().oauth2(TestTokens.valid(user)).get("/api/dms")
                .then().statusCode(200).extract().jsonPath().getList("conversations");
        return conversations.stream().filter(c -> peer.equals(c.get("peer"))).findFirst().orElseThrow();
    }

    @Test
    void unreadCountsThePeersDmsAfterTheMarkerWhichOnlyMovesForward() {
        String ann = user("Ann");
        String ben = user("Ben");
        assertEquals(404, markRead(ann, ben, "{\"upTo\":1}"), "no conversation yet");
        long first = send(ann, ben, "one").getLong("id");
        send(ben, ann, "ben's own");
        long gone = send(ann, ben, "two").getLong("id");
        long last = send(ann, ben, "three").getLong("id");

        assertEquals(3, listed(ben, ann).get("unread"));
        assertTrue(listed(ben, ann).containsKey("lastRead") && listed(ben, ann).get("lastRead") == null);
        assertEquals(1, listed(ann, ben).get("unread"), "ann has ben's one DM unread");
        delete(ann, ben, gone).statusCode(204);
        assertEquals(2, listed(ben, ann).get("unread"), "a tombstone is not unread");

        assertEquals(204, markRead(ben, ann, "{\"upTo\":" + first + "}"));
        assertEquals(1, listed(ben, ann).get("unread"));
        assertEquals(204, markRead(ben, ann, "{\"upTo\":0}"));
        assertEquals(first, ((Number) listed(ben, ann).get("lastRead")).longValue(), "an older id changes nothing");
        assertEquals(204, markRead(ben, ann, "{\"upTo\":" + (last + 1_000_000) + "}"));
        assertEquals(0, listed(ben, ann).get("unread"));
        assertEquals(last, ((Number) listed(ben, ann).get("lastRead")).longValue(), "one past the newest is the newest");
        assertEquals(1, listed(ann, ben).get("unread"), "ben's marker is his alone");
        for (String body : new String[] {"{}", "{\"upTo\":-1}", "{\"upTo\":\"5\"}", "[]"}) {
            assertEquals(400, markRead(ann, ben, body), body);
        }
    }

    @Test
    void refusesCallsWithoutAValidToken() {
        String alice = user("alice");
        String bob = user("bob");
        for (String token : new String[] {null, TestTokens.expired(alice), TestTokens.forged(alice)}) {
            var post = token == null ? given() : given().auth().oauth2(token);
            post.contentType(ContentType.JSON).body("{\"text\":\"hi\"}").post("/api/dms/" + bob + "/messages")
                    .then().statusCode(401).contentType("application/problem+json");
            var list = token == null ? given() : given().auth().oauth2(token);
            list.get("/api/dms").then().statusCode(401);
            var history = token == null ? given() : given().auth().oauth2(token);
            history.get("/api/dms/" + bob + "/messages").then().statusCode(401);
        }
        assertEquals(List.of(), texts(alice, bob));
        assertEquals(0, users.lookups(bob), "no lookup happens for an unauthenticated send");
    }

    @ParameterizedTest
    @ValueSource(strings = {"before=abc", "after=-3", "limit=0", "limit=1001", "limit=ten"})
    void refusesBadPageQueries(String query) {
        String alice = user("alice");
        given().auth().oauth2(TestTokens.valid(alice)).get("/api/dms/" + user("bob") + "/messages?" + query)
                .then().statusCode(400).contentType("application/problem+json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"before=abc", "limit=0", "limit=1001"})
    void refusesBadConversationQueries(String query) {
        given().auth().oauth2(TestTokens.valid(user("alice"))).get("/api/dms?" + query)
                .then().statusCode(400).contentType("application/problem+json");
    }
}
