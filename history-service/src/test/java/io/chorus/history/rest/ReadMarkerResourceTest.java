package io.chorus.history.rest;

import static io.chorus.testing.InternalCalls.internal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "history"))
@QuarkusTestResource(BusSinkResource.class)
class ReadMarkerResourceTest {

    private static String uniqueGroup() {
        return "r-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long join(String group, String member) {
        return internal().auth().oauth2(TestTokens.valid(member)).put("/internal/groups/" + group + "/members/me")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static long post(String group, String sender, String text) {
        return internal().auth().oauth2(TestTokens.valid(sender)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}").post("/internal/groups/" + group + "/messages")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static int markRead(String group, String member, String body) {
        return internal().auth().oauth2(TestTokens.valid(member)).contentType(ContentType.JSON).body(body)
                .put("/internal/groups/" + group + "/read").then().extract().statusCode();
    }

    /** The member's count and marker in the group, as {@code {"groupKey","unread","lastRead"}}. */
    private static Map<String, Object> standing(String member, String group) {
        JsonPath counts = internal().auth().oauth2(TestTokens.valid(member)).queryParam("group", group)
                .queryParam("group", "no-such-group").get("/internal/unread").then().statusCode(200).extract().jsonPath();
        assertEquals(1, counts.getList("groups").size(), counts.prettify());
        assertEquals(group, counts.getString("groups[0].groupKey"));
        return counts.getMap("groups[0]");
    }

    private static int unread(String member, String group) {
        return ((Number) standing(member, group).get("unread")).intValue();
    }

    private static Long lastRead(String member, String group) {
        Object marker = standing(member, group).get("lastRead");
        return marker == null ? null : ((Number) marker).longValue();
    }

    private static long head() {
        return internal().get("/internal/messages/head").then().statusCode(200).extract().jsonPath().getLong("position");
    }

    @Test
    void countsOthersMessagesAfterTheJoinThenAfterAMarkerThatOnlyMovesForward() {
        String group = uniqueGroup();
        join(group, "Ola");
        post(group, "ola", "before pia joined");
        join(group, "Pia");
        long first = post(group, "ola", "one");
        post(group, "pia", "pia's own");
        long gone = post(group, "ola", "two");
        long last = post(group, "ola", "three");
        join(group, "Quinn");

        assertEquals(3, unread("pia", group), "others' messages after her join, not her own or joins");
        assertNull(lastRead("pia", group));
        internal().auth().oauth2(TestTokens.valid("ola")).delete("/internal/groups/" + group + "/messages/" + gone)
                .then().statusCode(204);
        assertEquals(2, unread("pia", group), "a tombstone is not unread");
        long newest = head();

        assertEquals(204, markRead(group, "pia", "{\"upTo\":" + first + "}"));
        assertEquals(1, unread("pia", group));
        assertEquals(first, lastRead("pia", group));
        assertEquals(204, markRead(group, "pia", "{\"upTo\":0}"));
        assertEquals(first, lastRead("pia", group), "an older id changes nothing");
        assertEquals(204, markRead(group, "pia", "{\"upTo\":" + (last + 1_000_000) + "}"));
        assertEquals(0, unread("pia", group));
        assertEquals(newest, lastRead("pia", group), "one past the newest is the newest (the delete)");
        assertEquals(0, unread("quinn", group), "quinn joined after every message");
    }

    @Test
    void refusesMarkersOfNonMembersAndBadBodies() {
        String group = uniqueGroup();
        join(group, "Ray");
        assertEquals(404, markRead(group, "sam", "{\"upTo\":1}"));
        for (String body : new String[] {"{}", "{\"upTo\":-1}", "{\"upTo\":\"5\"}", "{\"upTo\":1.5}", "[]", "null"}) {
            assertEquals(400, markRead(group, "ray", body), body);
        }
        assertNull(lastRead("ray", group), "nothing was refused into a marker");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer nonsense"})
    void refusesCallsWithoutAValidToken(String authorization) {
        var request = internal().contentType(ContentType.JSON).body("{\"upTo\":1}");
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        request.put("/internal/groups/" + uniqueGroup() + "/read").then().statusCode(401);
    }
}
