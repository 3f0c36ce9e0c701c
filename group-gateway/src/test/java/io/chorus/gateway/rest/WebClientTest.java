package io.chorus.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(WebClientTest.UsersElsewhere.class)
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "gateway"))
class WebClientTest {

    /** user-service on another origin (a laptop run), dm-service left on the page's own origin (an Ingress). */
    public static class UsersElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.web.users-url", "http://localhost:8081/");
        }
    }

    @Test
    void tellsThePageWhereTheOtherServicesAreWithoutAToken() {
        given().get("/api/web-config")
                .then().statusCode(200)
                .contentType("application/json")
                .body("usersUrl", equalTo("http://localhost:8081"))
                .body("dmsUrl", equalTo(""));
    }

    @Test
    void servesThePageAndItsScriptAtTheRoot() {
        given().get("/")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<title>Chorus</title>"))
                .body(containsString("src=\"app.js\""));
        given().get("/app.js").then().statusCode(200).body(containsString("EventSource"));
        given().get("/app.css").then().statusCode(200).contentType(containsString("text/css"));
    }
}
