package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a chat app needs beyond posting, end to end (SPEC, Public HTTP API and Live streams).
 * Edits and deletes: who may make them, tombstones in history, the events on both stream kinds
 * with their own cursors, own-event filtering, and a resume across an edit and a delete that
 * replays both, in order, once. Search: matches, non-matches, members only, paging.
 */
@AgainstCluster.PerUserLimitsOff
class ChatFeaturesIT extends AgainstCluster {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofMillis(500);

    private ValidatableResponse editGroupMessage(String token, String group, Object id, String text) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"text\":\"" + text + "\"}")
                .patch(api.gateway() + "/api/groups/" + group + "/messages/" + id).then();
    }

    private ValidatableResponse deleteGroupMessage(String token, String group, Object id) {
        return given().auth().oauth2(token).delete(api.gateway() + "/api/groups/" + group + "/messages/" + id).then();
    }

    @Test
    void groupMessagesAreEditedBySenderAndDeletedBySenderOrOwner() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("edits");
        String group = duo.group();
        String carolName = Api.unique("carol");
        String carol = api.signUp(carolName);
        api.join(carol, group);
        String outsider = api.signUp(Api.unique("dave"));

        try (SseClient carolGroup = api.groupStream(carol, group, "");
             SseClient carolAll = api.everything(carol, "");
             SseClient bobOwn = api.groupStream(duo.bob(), group, "")) {
            long id = api.post(duo.bob(), group, "frist").getLong("id");
            long other = api.post(duo.bob(), group, "second").getLong("id");
            SseClient.Event posted = carolGroup.next(WAIT);
            assertEquals(String.valueOf(id), posted.id());
            String cursorBeforeEdit = posted.id();
            assertEquals(String.valueOf(other), carolGroup.next(WAIT).id());

            // Who may edit: only the sender, while a member.
            editGroupMessage(carol, group, id, "carol's words").statusCode(403).contentType("application/problem+json");
            editGroupMessage(duo.alice(), group, id, "the owner's words").statusCode(403);
            editGroupMessage(outsider, group, id, "an outsider's words").statusCode(403);
            editGroupMessage(duo.bob(), Api.unique("nowhere"), id, "no group").statusCode(404);
            editGroupMessage(duo.bob(), group, "abc", "no such id").statusCode(404);
            editGroupMessage(duo.bob(), group, other + 1000, "no such id").statusCode(404);
            editGroupMessage(duo.bob(), group, id, "  ").statusCode(400);
            JsonPath edited = editGroupMessage(duo.bob(), group, id, "first").statusCode(200).extract().jsonPath();
            assertEquals(id, edited.getLong("id"));
            assertEquals("first", edited.getString("text"));
            assertEquals(duo.bobName(), edited.getString("sender"));
            assertNotNull(edited.getString("editedAt"));

            // Who may delete: the sender or the owner; not another member or an outsider.
            deleteGroupMessage(carol, group, other).statusCode(403);
            deleteGroupMessage(outsider, group, other).statusCode(403);
            deleteGroupMessage(duo.alice(), group, other).statusCode(204);
            deleteGroupMessage(duo.bob(), group, id).statusCode(204);
            deleteGroupMessage(duo.bob(), group, id).statusCode(204);
            editGroupMessage(duo.bob(), group, id, "back again").statusCode(409);

            // carol's streams show the edit, then both deletes, each at its own cursor.
            SseClient.Event edit = carolGroup.next(WAIT);
            assertEquals("message-edited", edit.event());
            JsonPath editData = JsonPath.from(edit.data());
            assertEquals(id, editData.getLong("id"));
            assertEquals("first", editData.getString("text"));
            assertNotNull(editData.getString("editedAt"));
            assertTrue(Long.parseLong(edit.id()) > other, "an edit is a new entry of the log: " + edit.id());
            SseClient.Event ownerDelete = carolGroup.next(WAIT);
            assertEquals("message-deleted", ownerDelete.event());
            assertEquals(other, JsonPath.from(ownerDelete.data()).getLong("id"));
            assertTrue(JsonPath.from(ownerDelete.data()).getBoolean("deleted"));
            assertNull(JsonPath.from(ownerDelete.data()).getString("text"), "a tombstone has no text");
            SseClient.Event senderDelete = carolGroup.next(WAIT);
            assertEquals("message-deleted", senderDelete.event());
            assertEquals(id, JsonPath.from(senderDelete.data()).getLong("id"));
            assertNull(carolGroup.poll(QUIET), "deleting a tombstone again is no event");
            assertEquals(List.of("group-message", "group-message", "message-edited", "message-deleted", "message-deleted"),
                    carolAll.take(5, WAIT).stream().map(SseClient.Event::event).toList());

            // bob's own stream leaves out his edit and his delete, not the owner's delete.
            assertEquals(List.of("message-deleted"), List.of(bobOwn.next(WAIT).event()));
            assertNull(bobOwn.poll(QUIET), "bob's own edit and delete are not echoed to him");

            // History shows each message as it now is: two tombstones, in place.
            JsonPath history = given().auth().oauth2(carol).get(api.gateway() + "/api/groups/" + group + "/messages")
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(List.of(id, other), history.getList("messages.id", Long.class));
            assertEquals(List.of(true, true), history.getList("messages.deleted"));
            assertFalse(history.prettify().contains("frist") || history.prettify().contains("\"first\""),
                    "no text of a deleted message is left: " + history.prettify());

            // A resume from before the edit replays the edit and both deletes, in order, once.
            try (SseClient resumed = SseClient.connect(api.gateway() + "/api/groups/" + group + "/events", carol,
                    cursorBeforeEdit)) {
                List<SseClient.Event> replay = resumed.take(4, WAIT);
                assertEquals(List.of("group-message", "message-edited", "message-deleted", "message-deleted"),
                        replay.stream().map(SseClient.Event::event).toList());
                assertEquals(List.of(String.valueOf(other), edit.id(), ownerDelete.id(), senderDelete.id()),
                        replay.stream().map(SseClient.Event::id).toList());
                assertNull(resumed.poll(QUIET), "nothing is replayed twice");
                for (SseClient.Event event : replay) {
                    assertFalse(event.data().contains("frist") || event.data().contains("second"),
                            "a replay shows no text of a deleted message: " + event.data());
                }
            }
        }
    }

    @Test
    void directMessagesAreEditedAndDeletedByTheirSenderOnlyAndResumeReplaysTheChanges() throws Exception {
        String annName = Api.unique("ann");
        String benName = Api.unique("ben");
        String ann = api.signUp(annName);
        String ben = api.signUp(benName);
        try (SseClient benAll = api.everything(ben, "");
             SseClient annAll = api.everything(ann, "")) {
            long id = api.sendDm(ann, benName, "helo").getLong("id");
            SseClient.Event sent = benAll.next(WAIT);
            assertEquals("direct-message", sent.event());
            String cursorBeforeEdit = sent.id();

            given().auth().oauth2(ben).contentType(ContentType.JSON).body("{\"text\":\"not mine\"}")
                    .patch(api.dms() + "/api/dms/" + annName + "/messages/" + id).then().statusCode(403);
            given().auth().oauth2(ben).delete(api.dms() + "/api/dms/" + annName + "/messages/" + id).then().statusCode(403);
            given().auth().oauth2(ann).contentType(ContentType.JSON).body("{\"text\":\"hello\"}")
                    .patch(api.dms() + "/api/dms/" + benName + "/messages/" + id).then().statusCode(200)
                    .contentType(ContentType.JSON);
            given().auth().oauth2(ann).delete(api.dms() + "/api/dms/" + benName + "/messages/" + id).then().statusCode(204);

            SseClient.Event edit = benAll.next(WAIT);
            assertEquals("message-edited", edit.event());
            assertEquals(id, JsonPath.from(edit.data()).getLong("id"));
            assertEquals("hello", JsonPath.from(edit.data()).getString("text"));
            SseClient.Event delete = benAll.next(WAIT);
            assertEquals("message-deleted", delete.event());
            assertTrue(JsonPath.from(delete.data()).getBoolean("deleted"));
            assertNull(annAll.poll(QUIET), "ann's own DM, edit and delete are not echoed to her");

            try (SseClient resumed = SseClient.connect(api.gateway() + "/api/events", ben, cursorBeforeEdit)) {
                List<SseClient.Event> replay = resumed.take(2, WAIT);
                assertEquals(List.of("message-edited", "message-deleted"),
                        replay.stream().map(SseClient.Event::event).toList());
                assertEquals(List.of(edit.id(), delete.id()), replay.stream().map(SseClient.Event::id).toList());
                assertNull(resumed.poll(QUIET), "nothing is replayed twice");
                assertFalse(replay.get(0).data().contains("hello"), "the deleted DM's edit keeps no text: " + replay.get(0));
            }
        }
    }

    @Test
    void searchOfAGroupIsForMembersAndPagesLikeHistory() {
        Api.Duo duo = api.groupWithAliceAndBob("search");
        String group = duo.group();
        String outsider = api.signUp(Api.unique("eve"));
        long first = api.post(duo.alice(), group, "the quarterly report is late").getLong("id");
        api.post(duo.bob(), group, "lunch at noon");
        long second = api.post(duo.bob(), group, "Report: done, sorry it is late!").getLong("id");

        String url = api.gateway() + "/api/groups/" + group + "/messages";
        assertEquals(List.of(first, second), given().auth().oauth2(duo.bob()).queryParam("q", "late report")
                .get(url).then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class));
        assertEquals(List.of(second), given().auth().oauth2(duo.bob()).queryParam("q", "report").queryParam("limit", 1)
                .get(url).then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class));
        assertEquals(List.of(first), given().auth().oauth2(duo.bob()).queryParam("q", "report").queryParam("before", second)
                .get(url).then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class));
        assertEquals(List.of(), given().auth().oauth2(duo.bob()).queryParam("q", "dinner")
                .get(url).then().statusCode(200).extract().jsonPath().getList("messages.id", Long.class));
        given().auth().oauth2(outsider).queryParam("q", "report").get(url).then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(duo.bob()).queryParam("q", " ").get(url).then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** The caller's group as {@code GET /api/groups?member=me} lists it. */
    private Map<String, Object> myGroup(String token, String group) {
        List<Map<String, Object>> groups = given().auth().oauth2(token).get(api.gateway() + "/api/groups?member=me")
                .then().statusCode(200).extract().jsonPath().getList("groups");
        return groups.stream().filter(g -> group.equals(g.get("name"))).findFirst().orElseThrow();
    }

    private static Long number(Object value) {
        return value == null ? null : ((Number) value).longValue();
    }

    @Test
    void unreadCountsHoldAfterConcurrentPostsWhileMarkersMoveAndNeverMoveBack() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("unread");
        String group = duo.group();
        String carol = api.signUp(Api.unique("carol"));
        api.join(carol, group);
        assertEquals(0L, number(myGroup(carol, group).get("unread")));
        assertTrue(myGroup(carol, group).containsKey("lastRead") && myGroup(carol, group).get("lastRead") == null,
                "no marker yet: lastRead is null");
        List<String> members = List.of(duo.alice(), duo.bob(), carol);

        int posts = 1000;
        Map<Long, Integer> senderOf = new ConcurrentHashMap<>();
        Queue<Long> markedUpTo = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                int sender = i % 3;
                int n = i;
                done.add(pool.submit(() -> {
                    long id = api.post(members.get(sender), group, "post " + n).getLong("id");
                    senderOf.put(id, sender);
                    if (n % 50 == 0) {
                        // alice moves her marker to what she just posted, and carol hers, meanwhile.
                        given().auth().oauth2(members.get(n % 100 == 0 ? 0 : 2)).contentType(ContentType.JSON)
                                .body("{\"upTo\":" + id + "}").put(api.gateway() + "/api/groups/" + group + "/read")
                                .then().statusCode(204);
                        if (n % 100 != 0) {
                            markedUpTo.add(id);
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(posts, senderOf.size());
        long carolMarker = markedUpTo.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertEquals(carolMarker, number(myGroup(carol, group).get("lastRead")), "the marker is the newest id marked");
        // Markers never move back: an older id marked later changes nothing.
        long oldest = senderOf.keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
        given().auth().oauth2(carol).contentType(ContentType.JSON).body("{\"upTo\":" + oldest + "}")
                .put(api.gateway() + "/api/groups/" + group + "/read").then().statusCode(204);
        assertEquals(carolMarker, number(myGroup(carol, group).get("lastRead")));

        for (int member = 0; member < 3; member++) {
            int me = member;
            Long marker = number(myGroup(members.get(me), group).get("lastRead"));
            long from = marker == null ? 0 : marker;
            long expected = senderOf.entrySet().stream().filter(e -> e.getValue() != me && e.getKey() > from).count();
            assertEquals(expected, number(myGroup(members.get(me), group).get("unread")), "member " + me);
        }
        assertNull(myGroup(duo.bob(), group).get("lastRead"), "bob never marked anything");
        given().auth().oauth2(carol).contentType(ContentType.JSON).body("{\"upTo\":\"x\"}")
                .put(api.gateway() + "/api/groups/" + group + "/read").then().statusCode(400);
        given().auth().oauth2(api.signUp(Api.unique("eve"))).contentType(ContentType.JSON).body("{\"upTo\":1}")
                .put(api.gateway() + "/api/groups/" + group + "/read").then().statusCode(403);
    }
}
