package io.chorus.user.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "users"))
class ReadinessTest {

    @Test
    void readinessChecksTheDatabaseAndNoBusSocket() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.name", not(hasItem("zeromq-publisher")));
    }
}
