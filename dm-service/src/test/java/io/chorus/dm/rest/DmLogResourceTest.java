package io.chorus.dm.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.chorus.dm.testing.FakeUserService;
import io.chorus.dm.testing.FakeUserServiceResource;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "dms"))
@QuarkusTestResource(BusSinkResource.class)
@QuarkusTestResource(FakeUserServiceResource.class)
class DmLogResourceTest {

    @FakeUserServiceResource.InjectUsers
    FakeUserService users;

    private String user(String base) {
        return users.register(base + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static long send(String from, String to, String text) {
        return given().auth().oauth2(TestTokens.valid(from)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}").post("/api/dms/" + to + "/messages")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private static long head() {
        return given().get("/internal/dms/head").then().statusCode(200).extract().jsonPath().getLong("position");
    }

    @Test
    void readsWhatAUserSentOrReceivedAfterAPosition() {
        String alice = user("Alice");
        String bob = user("bob");
        String carol = user("carol");
        String dave = user("dave");
        long start = head();
        send(alice, bob, "a to b");
        send(carol, dave, "c to d");
        long third = send(bob, alice, "b to a");
        send(carol, alice, "c to a");

        given().queryParam("after", start).queryParam("user", alice.toLowerCase()).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("a to b", "b to a", "c to a"));
        given().queryParam("after", start).queryParam("user", dave).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("c to d"))
                .body("messages[0].from", equalTo(carol)).body("messages[0].to", equalTo(dave));
        given().queryParam("after", third).queryParam("user", alice).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("c to a"));
        given().queryParam("after", start).queryParam("user", alice).queryParam("limit", 2).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("a to b", "b to a"));
        given().queryParam("after", start).queryParam("user", user("nobody")).get("/internal/dms")
                .then().statusCode(200).body("messages", hasSize(0));
    }

    @Test
    void readsEveryDmAfterAPositionForGapFilling() {
        String alice = user("alice");
        String bob = user("bob");
        String carol = user("carol");
        long start = head();
        long first = send(alice, bob, "one");
        send(carol, bob, "two");
        send(bob, alice, "three");
        given().queryParam("after", start).queryParam("all", true).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("one", "two", "three"));
        given().queryParam("after", first).queryParam("all", true).queryParam("limit", 1).get("/internal/dms")
                .then().statusCode(200).body("messages.text", contains("two"));
    }

    @Test
    void headIsTheNewestId() {
        String alice = user("alice");
        long id = send(alice, user("bob"), "newest");
        given().get("/internal/dms/head").then().statusCode(200).body("position", equalTo((int) id));
        given().queryParam("after", id).queryParam("all", true).get("/internal/dms")
                .then().statusCode(200).body("messages", hasSize(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"after=0", "after=abc&all=true", "after=-1&user=x", "limit=0&all=true", "limit=1001&all=true"})
    void refusesBadLogQueries(String query) {
        given().get("/internal/dms?" + query).then().statusCode(400).contentType("application/problem+json");
    }
}
