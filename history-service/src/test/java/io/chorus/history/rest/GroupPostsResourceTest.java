package io.chorus.history.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

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
class GroupPostsResourceTest {

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

    @Test
    void aBatchWithoutPostsOrWithoutTheCredentialIsRefusedWhole() {
        internal().contentType(ContentType.JSON).body("{\"posts\":[]}").post("/internal/group-messages")
                .then().statusCode(400);
        internal().contentType(ContentType.JSON).post("/internal/group-messages").then().statusCode(400);
        String group = uniqueGroup();
        List<Map<String, Object>> tooMany = java.util.Collections.nCopies(GroupPostsResource.MAX_POSTS + 1,
                post(group, "mallory", "flood", null));
        internal().contentType(ContentType.JSON).body(Map.of("posts", tooMany)).post("/internal/group-messages")
                .then().statusCode(400);
        given().contentType(ContentType.JSON).body(Map.of("posts", List.of(post(group, "mallory", "forged", null))))
                .post("/internal/group-messages").then().statusCode(401);
        internal().get("/internal/groups/" + group + "/messages").then().statusCode(200).body("messages", hasSize(0));
    }
}
