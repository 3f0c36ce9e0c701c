package io.chorus.dm.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.chorus.dm.testing.FakeUserServiceResource;
import io.chorus.testing.BusSinkResource;
import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "dms"))
@QuarkusTestResource(BusSinkResource.class)
@QuarkusTestResource(FakeUserServiceResource.class)
class ReadinessTest {

    @Test
    void isReadyWithItsDatabaseAndBusPublisherUp() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("zeromq-publisher", "Database connections health check"));
    }
}
