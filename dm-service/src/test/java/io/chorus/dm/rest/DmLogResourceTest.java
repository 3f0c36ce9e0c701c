package io.chorus.dm.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.chorus.dm.testing.FakeUserService;
import io.chorus.dm.testing.FakeUserServiceResource;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.LogApiContract;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The DM log keeps the internal log API's contract; below it, what the user filter means for DMs. */
@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "dms"))
@QuarkusTestResource(BusSinkResource.class)
@QuarkusTestResource(FakeUserServiceResource.class)
class DmLogResourceTest extends LogApiContract {

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

    @Override
    protected String logPath() {
        return "/internal/dms";
    }

    @Override
    protected String filterParameter() {
        return "user";
    }

    @Override
    protected String newScope() {
        return user("scope");
    }

    @Override
    protected long append(String recipient, String text) {
        return send(user("sender"), recipient, text);
    }

    @Test
    void aUserReadsWhatTheySentOrReceivedWhateverTheCaseOfTheirName() {
        String alice = user("Alice");
        String bob = user("bob");
        String carol = user("carol");
        String dave = user("dave");
        long start = head();
        send(alice, bob, "a to b");
        send(carol, dave, "c to d");
        send(bob, alice, "b to a");
        send(carol, alice, "c to a");

        internal().queryParam("after", start).queryParam("user", alice.toLowerCase()).get("/internal/dms")
                .then().statusCode(200).body("entries.text", contains("a to b", "b to a", "c to a"));
        internal().queryParam("after", start).queryParam("user", dave).get("/internal/dms")
                .then().statusCode(200).body("entries.text", contains("c to d"))
                .body("entries[0].from", equalTo(carol)).body("entries[0].to", equalTo(dave));
    }

    @Test
    void aNameNoUserCanHaveReadsNothing() {
        internal().queryParam("after", 0).queryParam("user", "no such name!").get("/internal/dms")
                .then().statusCode(200).body("entries", hasSize(0));
    }
}
