package io.chorus.history.rest;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;

import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.LogApiContract;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.UUID;

/** The group log keeps the internal log API's contract; its own kinds are tested in GroupHistoryResourceTest. */
@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "history"))
@QuarkusTestResource(BusSinkResource.class)
class LogResourceTest extends LogApiContract {

    @Override
    protected String logPath() {
        return "/internal/messages";
    }

    @Override
    protected String filterParameter() {
        return "group";
    }

    @Override
    protected String newScope() {
        return "g-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    protected long append(String group, String text) {
        return internal().auth().oauth2(TestTokens.valid("fay")).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}").post("/internal/groups/" + group + "/messages")
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }
}
