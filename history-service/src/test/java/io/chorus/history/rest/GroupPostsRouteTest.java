package io.chorus.history.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.limits.BodyLimits;
import io.chorus.common.message.MessageText;
import io.chorus.common.security.VerifiedTokens;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** POST /internal/group-messages: the gateway's batches of posts. */
@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "history"))
@QuarkusTestResource(BusSinkResource.class)
class GroupPostsRouteTest {

    private static String uniqueGroup() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, Object> post(String group, String sender, String text, String clientId) {
        return clientId == null ? Map.of("group", group, "sender", sender, "text", text)
                : Map.of("group", group, "sender", sender, "text", text, "clientId", clientId);
    }

    private static JsonPath send(List<Map<String, Object>> posts) {
        return internal().contentType(ContentType.JSON).body(Map.of("posts", posts))
                .post("/internal/group-messages").then().statusCode(200).extract().jsonPath();
    }

    @Inject
    JWTParser parser;

    @Test
    void tokensAreVerifiedThroughTheParserThatRemembersThem() {
        // common's VerifiedTokens replaces smallrye-jwt's parser bean (an alternative with a priority).
        assertInstanceOf(VerifiedTokens.class, parser);
    }

    @Test
    void eachPostOfABatchIsStoredInOrderAndAnsweredWithItsMessage() {
        String group = uniqueGroup();
        JsonPath answer = send(List.of(post(group, "alice", " one ", null), post(group, "bob", "two", null),
                post(group, "alice", "three", null)));
        assertEquals(List.of(201, 201, 201), answer.getList("results.status"));
        assertEquals(List.of("one", "two", "three"), answer.getList("results.message.text"));
        assertEquals(List.of("alice", "bob", "alice"), answer.getList("results.message.sender"));
        List<Long> ids = answer.getList("results.message.id", Long.class);
        assertEquals(ids.get(0) + 1, ids.get(1), "positions in the order posted");
        assertEquals(ids.get(1) + 1, ids.get(2));
        internal().get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.text", contains("one", "two", "three"));
    }

    @Test
    void aRefusedPostIsAnsweredWithItsProblemAndTheOthersAreStored() {
        String group = uniqueGroup();
        send(List.of(post(group, "carol", "first", "c-1")));
        JsonPath answer = send(List.of(post(group, "carol", "again", "c-1"), post("no group!", "carol", "x", null),
                post(group, "carol", "   ", null), post(group, "not a name!", "x", null), post(group, "carol", "kept", null)));
        assertEquals(List.of(200, 404, 400, 400, 201), answer.getList("results.status"));
        assertEquals("first", answer.getString("results[0].message.text"), "a repeated clientId answers the first message");
        assertNull(answer.get("results[1].message"));
        assertEquals("Not found", answer.getString("results[1].title"));
        internal().get("/internal/groups/" + group + "/messages").then().statusCode(200)
                .body("messages.text", contains("first", "kept"));
    }

    /**
     * As large as the gateway sends: sixteen posts of the longest text, every character escaped
     * as a client or Jackson may (an emoji as a surrogate pair, 12 bytes), and sixteen short ones.
     * A body over 64 KiB, and texts over Quarkus REST's 10 KiB buffer.
     */
    @Test
    void aFullBatchOfTheLongestTextsInEveryScriptIsStoredWhole() {
        String group = uniqueGroup();
        List<String> texts = new java.util.ArrayList<>();
        StringBuilder body = new StringBuilder("{\"posts\":[");
        for (int i = 0; i < 32; i++) {
            String character = i % 2 == 1 ? "hi" : i % 4 == 0 ? "\u20ac" : "\ud83d\ude00";
            String text = character.equals("hi") ? "hi " + i : character.repeat(MessageText.MAX_CHARACTERS);
            texts.add(text);
            body.append(i == 0 ? "" : ",").append("{\"group\":\"").append(group).append("\",\"sender\":\"poster-")
                    .append(i).append("\",\"text\":\"").append(escaped(text)).append("\"}");
        }
        String json = body.append("]}").toString();
        assertTrue(json.length() > 12 * MessageText.MAX_CHARACTERS * 8, "the batch is as large as the longest texts make it");
        assertTrue(json.length() <= BodyLimits.INTERNAL, "and no larger than the gateway ever sends");
        JsonPath answer = internal().contentType(ContentType.JSON).body(json).post("/internal/group-messages")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(java.util.Collections.nCopies(32, 201), answer.getList("results.status"));
        assertEquals(texts, answer.getList("results.message.text"));
        assertEquals(texts, internal().queryParam("limit", 100).get("/internal/groups/" + group + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("messages.text"));
    }

    @Test
    void anInternalBodyOverItsLimitGetsA413Problem() {
        String json = "{\"posts\":[{\"text\":\"" + "x".repeat((int) BodyLimits.INTERNAL) + "\"}]}";
        internal().contentType(ContentType.JSON).body(json).post("/internal/group-messages").then().statusCode(413)
                .contentType("application/problem+json").body("status", org.hamcrest.Matchers.equalTo(413));
    }

    /** Every character as a JSON escape, the longest way to spell it. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    @Test
    void aBatchWithoutPostsOrWithoutTheCredentialIsRefusedWhole() {
        internal().contentType(ContentType.JSON).body("{\"posts\":[]}").post("/internal/group-messages")
                .then().statusCode(400);
        internal().contentType(ContentType.JSON).post("/internal/group-messages").then().statusCode(400);
        String group = uniqueGroup();
        List<Map<String, Object>> tooMany = java.util.Collections.nCopies(GroupPostsRoute.MAX_POSTS + 1,
                post(group, "mallory", "flood", null));
        internal().contentType(ContentType.JSON).body(Map.of("posts", tooMany)).post("/internal/group-messages")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("posts", List.of(post(group, "mallory", "forged", null))))
                .post("/internal/group-messages").then().statusCode(401);
        internal().get("/internal/groups/" + group + "/messages").then().statusCode(200).body("messages", hasSize(0));
    }
}
