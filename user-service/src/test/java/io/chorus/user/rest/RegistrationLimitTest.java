package io.chorus.user.rest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.testing.ChorusTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** SPEC: at most 10 accounts per client address per hour, at the production default. */
@QuarkusTest
@TestProfile(RegistrationLimitTest.ProductionLimit.class)
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "users"))
class RegistrationLimitTest {

    /** The other tests raise the limit (they all register from 127.0.0.1); this one puts the default back. */
    public static class ProductionLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chorus.rate-limits.registrations.per-address", "10");
        }
    }

    private static Response register(String name) {
        return given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}")
                .post("/api/users");
    }

    @Test
    void theEleventhAccountFromOneAddressWithinAnHourGets429AndIsNotCreated() {
        String taken = "taken-" + UUID.randomUUID().toString().substring(0, 8);
        register(taken).then().statusCode(201);
        for (int i = 2; i <= 10; i++) {
            // Refused registrations create nothing, and so count nothing.
            register(taken).then().statusCode(409);
            register("not a name!").then().statusCode(400);
            register("reg-" + i + "-" + UUID.randomUUID().toString().substring(0, 8)).then().statusCode(201);
        }
        String eleventh = "reg-11-" + UUID.randomUUID().toString().substring(0, 8);
        Response refused = register(eleventh);
        assertEquals(429, refused.statusCode(), refused.asString());
        assertEquals("application/problem+json", refused.contentType());
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter > 3000 && retryAfter <= 3600, "for the rest of the hour: " + retryAfter);
        given().contentType(ContentType.JSON).body("{\"name\":\"" + eleventh + "\",\"password\":\"password-of-" + eleventh + "\"}")
                .post("/api/auth/token").then().statusCode(401);
    }
}
