package io.chorus.history.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.BusSink;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
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
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "history"))
@QuarkusTestResource(BusSinkResource.class)
class GroupHistoryResourceTest {

    @BusSinkResource.InjectBusSink
    BusSink bus;

    private static String uniqueGroup() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonPath post(String group, String sender, String text) {
        return internal().auth().oauth2(TestTokens.valid(sender)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}")
                .post("/internal/groups/" + group + "/messages")
                .then().statusCode(201).extract().jsonPath();
    }

    private static long head() {
        return internal().get("/internal/messages/head").then().statusCode(200).extract().jsonPath().getLong("position");
    }

    @Test
    void storesMessageWithTheTokensCallerAsSender() {
        String group = uniqueGroup();
        JsonPath message = post(group, "alice", "  hello  ");
        assertEquals("alice", message.getString("sender"));
        assertEquals(group, message.getString("group"));
        assertEquals("hello", message.getString("text"));
        assertNotNull(message.getString("sentAt"));
        assertTrue(message.getLong("id") > 0);
    }

    @Test
    void pagesHistoryOldestFirstWithinEachPage() {
        String group = uniqueGroup();
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(post(group, "bob", "m" + i).getLong("id"));
        }
        internal().queryParam("limit", 2).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).body("messages.text", contains("m4", "m5"));
        internal().queryParam("limit", 2).queryParam("before", ids.get(3)).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).body("messages.text", contains("m2", "m3"));
        internal().queryParam("limit", 2).queryParam("after", ids.get(0)).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).body("messages.text", contains("m2", "m3"));
        internal().queryParam("after", ids.get(0)).queryParam("before", ids.get(2)).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).body("messages.text", contains("m2"));
        internal().get("/internal/groups/" + uniqueGroup() + "/messages")
                .then().statusCode(200).body("messages", hasSize(0));
    }

    @Test
    void concurrentPostsGetContiguousIdsWithNoneLost() throws Exception {
        String[] groups = {uniqueGroup(), uniqueGroup(), uniqueGroup()};
        long before = head();
        int count = 300;
        List<Future<Long>> posted = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < count; i++) {
                String group = groups[i % 3];
                int n = i;
                posted.add(clients.submit(() -> post(group, "user" + (n % 5), "concurrent " + n).getLong("id")));
            }
        }
        Set<Long> ids = new TreeSet<>();
        for (Future<Long> id : posted) {
            ids.add(id.get(30, TimeUnit.SECONDS));
        }
        long after = head();
        assertEquals(count, ids.size(), "every post got its own id");
        assertEquals(count, after - before, "the log grew by exactly the posts");
        assertEquals(LongStream.rangeClosed(before + 1, after).boxed().toList(), new ArrayList<>(ids),
                "ids are contiguous");
        int stored = 0;
        for (String group : groups) {
            stored += internal().queryParam("limit", 1000).get("/internal/groups/" + group + "/messages")
                    .then().statusCode(200).extract().jsonPath().getList("messages").size();
        }
        assertEquals(count, stored);
    }

    @Test
    void repeatedClientIdReturnsTheFirstMessage() {
        String group = uniqueGroup();
        String token = TestTokens.valid("carol");
        JsonPath first = internal().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"text\":\"once\",\"clientId\":\"c-1\"}")
                .post("/internal/groups/" + group + "/messages").then().statusCode(201).extract().jsonPath();
        internal().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"text\":\"again\",\"clientId\":\"c-1\"}")
                .post("/internal/groups/" + group + "/messages")
                .then().statusCode(200)
                .body("id", equalTo(first.getInt("id")))
                .body("text", equalTo("once"));
        // Another sender may use the same clientId.
        internal().auth().oauth2(TestTokens.valid("dave")).contentType(ContentType.JSON)
                .body("{\"text\":\"mine\",\"clientId\":\"c-1\"}")
                .post("/internal/groups/" + group + "/messages").then().statusCode(201);
        internal().get("/internal/groups/" + group + "/messages").then().body("messages.text", contains("once", "mine"));
    }

    private void awaitBusCarriesMessages() throws InterruptedException {
        String warmUp = uniqueGroup();
        bus.awaitCarrying(() -> post(warmUp, "warm", "up"));
    }

    @Test
    void publishesEachCommittedMessageOnTheBus() throws Exception {
        awaitBusCarriesMessages();
        String group = uniqueGroup().toUpperCase();
        long id = post(group, "erin", "on the bus").getLong("id");
        BusSink.Received received;
        do {
            received = bus.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the message reached the bus");
        } while (!received.payload().contains("\"id\":" + id + ","));
        assertEquals("group/" + group.toLowerCase(), received.topic());
        JsonPath payload = JsonPath.from(received.payload());
        assertEquals(group, payload.getString("group"));
        assertEquals("erin", payload.getString("sender"));
        assertEquals("on the bus", payload.getString("text"));
    }

    @Test
    void readsTheLogAcrossChosenGroups() {
        String a = uniqueGroup();
        String b = uniqueGroup();
        long start = head();
        post(a, "fay", "in a");
        post(b, "fay", "in b");
        internal().queryParam("after", start).queryParam("group", a).get("/internal/messages")
                .then().statusCode(200).body("entries.text", contains("in a"));
        internal().queryParam("after", start).queryParam("group", a).queryParam("group", b).get("/internal/messages")
                .then().statusCode(200).body("entries.text", contains("in a", "in b"))
                .body("entries.kind", contains("message", "message"));
    }

    @Test
    void putsJoinsAndLeavesInTheLogBetweenMessagesButNotInHistoryPages() throws InterruptedException {
        awaitBusCarriesMessages();
        String group = uniqueGroup();
        long start = head();
        post(group, "gil", "before");
        long joined = internal().auth().oauth2(TestTokens.valid("Hana")).put("/internal/groups/" + group + "/members/me")
                .then().statusCode(201).body("kind", equalTo("member-joined")).body("sender", equalTo("Hana"))
                .body("group", equalTo(group)).extract().jsonPath().getLong("id");
        post(group, "gil", "during");
        long left = internal().auth().oauth2(TestTokens.valid("Hana")).delete("/internal/groups/" + group + "/members/me")
                .then().statusCode(201).body("kind", equalTo("member-left")).extract().jsonPath().getLong("id");
        post(group, "gil", "after");

        JsonPath log = internal().queryParam("after", start).queryParam("group", group).get("/internal/messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("message", "member-joined", "message", "member-left", "message"), log.getList("entries.kind"));
        assertEquals(List.of(joined, left), log.getList("entries.findAll { it.kind != 'message' }.id", Long.class));
        internal().queryParam("after", joined - 1).queryParam("membership", true).queryParam("all", true)
                .get("/internal/messages").then().statusCode(200)
                .body("entries.id", hasItems((int) joined, (int) left))
                .body("entries.kind", everyItem(not(equalTo("message"))));
        internal().get("/internal/groups/" + group + "/messages").then()
                .body("messages.text", contains("before", "during", "after"));

        BusSink.Received received;
        do {
            received = bus.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the join reached the bus");
        } while (!received.topic().startsWith("membership/") || !received.payload().contains("\"id\":" + joined + ","));
        assertEquals("membership/" + group.toLowerCase(), received.topic());
    }

    private static io.restassured.response.ValidatableResponse edit(String group, long id, String editor, String text) {
        return internal().auth().oauth2(TestTokens.valid(editor)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}").patch("/internal/groups/" + group + "/messages/" + id).then();
    }

    private static io.restassured.response.ValidatableResponse delete(String group, long id, String actor, boolean asOwner) {
        return internal().auth().oauth2(TestTokens.valid(actor)).queryParam("asOwner", asOwner)
                .delete("/internal/groups/" + group + "/messages/" + id).then();
    }

    @Test
    void editsAndDeletesAreLogEntriesAndHistoryShowsEachMessageAsItNowIs() throws InterruptedException {
        awaitBusCarriesMessages();
        String group = uniqueGroup();
        long start = head();
        long first = post(group, "Jo", "first").getLong("id");
        long second = post(group, "Jo", "second").getLong("id");

        edit(group, first, "jo", "first, edited").statusCode(200).body("id", equalTo((int) first))
                .body("sender", equalTo("Jo")).body("text", equalTo("first, edited")).body("editedAt", notNullValue());
        edit(group, first, "kim", "not yours").statusCode(403);
        delete(group, second, "kim", false).statusCode(403);
        edit(group, head() + 5, "jo", "nothing there").statusCode(404);
        edit(group, first, "jo", "   ").statusCode(400);
        // Another group's message, by id, is no message of this group.
        long elsewhere = post(uniqueGroup(), "Jo", "elsewhere").getLong("id");
        edit(group, elsewhere, "jo", "wrong group").statusCode(404);
        delete(group, elsewhere, "jo", false).statusCode(404);

        delete(group, second, "kim", true).statusCode(204);
        long headAfterDelete = head();
        delete(group, second, "jo", false).statusCode(204);
        assertEquals(headAfterDelete, head(), "deleting a tombstone again appends nothing");
        edit(group, second, "jo", "too late").statusCode(409);
        delete(group, first, "jo", false).statusCode(204);

        JsonPath page = internal().get("/internal/groups/" + group + "/messages").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(first, second), page.getList("messages.id", Long.class));
        assertEquals(List.of(true, true), page.getList("messages.deleted"));
        assertEquals(List.of(), page.getList("messages.findAll { it.text != null }"), "tombstones keep no text");

        JsonPath log = internal().queryParam("after", start).queryParam("group", group).get("/internal/messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("message", "message", "message-edited", "message-deleted", "message-deleted"),
                log.getList("entries.kind"));
        assertEquals(List.of(first, second, first), log.getList("entries.findAll { it.target != null }.target", Long.class));
        assertEquals(List.of("jo", "kim", "jo"), log.getList("entries.findAll { it.target != null }.actor"));
        assertEquals("", log.getString("entries[2].text"), "the delete emptied the text of the edit before it");
        internal().queryParam("after", start).queryParam("membership", true).queryParam("all", true)
                .get("/internal/messages").then().statusCode(200)
                .body("entries.findAll { it.group == '" + group + "' }", hasSize(0));

        BusSink.Received received;
        do {
            received = bus.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the edit reached the bus");
        } while (!received.topic().equals("group-change/" + group.toLowerCase()));
        assertEquals("message-edited", JsonPath.from(received.payload()).getString("kind"));
    }

    @Test
    void searchFindsMessagesHoldingEveryWordPagedLikeHistoryAndNeverTombstones() {
        String group = uniqueGroup();
        long tea = post(group, "Lu", "Tea at five, in the garden?").getLong("id");
        post(group, "Lu", "coffee in the garden");
        long later = post(group, "Mo", "more TEA please").getLong("id");
        long gone = post(group, "Lu", "tea we will delete").getLong("id");
        post(uniqueGroup(), "Lu", "tea elsewhere");
        delete(group, gone, "lu", false).statusCode(204);

        internal().queryParam("q", "tea").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.id", contains((int) tea, (int) later));
        internal().queryParam("q", "garden tea").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.id", contains((int) tea));
        internal().queryParam("q", "tea biscuits").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages", hasSize(0));
        internal().queryParam("q", "gard").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages", hasSize(0));
        internal().queryParam("q", "delete").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages", hasSize(0));
        // Paged as history: the newest match first when going back, then the one before it.
        internal().queryParam("q", "tea").queryParam("limit", 1).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).body("messages.id", contains((int) later));
        internal().queryParam("q", "tea").queryParam("limit", 1).queryParam("before", later)
                .get("/internal/groups/" + group + "/messages").then().statusCode(200).body("messages.id", contains((int) tea));
        // An edit re-indexes the message.
        edit(group, tea, "lu", "biscuits at five").statusCode(200);
        internal().queryParam("q", "tea").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.id", contains((int) later));
        internal().queryParam("q", "biscuits").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.id", contains((int) tea));
        // Words only: punctuation and query syntax are ignored, never an error.
        internal().queryParam("q", "!(tea) & | :*").get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.id", contains((int) later));
        internal().queryParam("q", "   ").get("/internal/groups/" + group + "/messages").then().statusCode(400);
        internal().queryParam("q", "x".repeat(501)).get("/internal/groups/" + group + "/messages").then().statusCode(400);
    }

    @Test
    void refusesMembershipEntriesWithoutAValidToken() {
        internal().put("/internal/groups/" + uniqueGroup() + "/members/me").then().statusCode(401);
        internal().auth().oauth2(TestTokens.expired("ivy")).delete("/internal/groups/" + uniqueGroup() + "/members/me")
                .then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"text\":\"\"}", "{\"text\":\"   \"}", "{}", "{\"text\":5}", "{\"text\":\"ok\",\"clientId\":\"has space\"}", "nope"})
    void refusesBadPostsAndStoresNothing(String body) {
        String group = uniqueGroup();
        internal().auth().oauth2(TestTokens.valid("gus")).contentType(ContentType.JSON).body(body)
                .post("/internal/groups/" + group + "/messages")
                .then().statusCode(400).contentType("application/problem+json");
        internal().get("/internal/groups/" + group + "/messages").then().body("messages", hasSize(0));
    }

    @Test
    void refusesTextOverTheLimitInsteadOfTruncating() {
        internal().auth().oauth2(TestTokens.valid("hal")).contentType(ContentType.JSON)
                .body("{\"text\":\"" + "x".repeat(4097) + "\"}")
                .post("/internal/groups/" + uniqueGroup() + "/messages")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void refusesPostsWithoutAValidToken() {
        String group = uniqueGroup();
        internal().contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/internal/groups/" + group + "/messages").then().statusCode(401);
        internal().auth().oauth2(TestTokens.expired("ivy")).contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/internal/groups/" + group + "/messages").then().statusCode(401);
        internal().auth().oauth2(TestTokens.forged("ivy")).contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/internal/groups/" + group + "/messages").then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"before=abc", "after=-3", "limit=0", "limit=1001"})
    void refusesBadPageQueries(String query) {
        internal().get("/internal/groups/" + uniqueGroup() + "/messages?" + query)
                .then().statusCode(400).contentType("application/problem+json");
    }
}
