package io.chorus.user.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.chorus.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The service signs with a PKCS#1 key and verifies with an X.509 certificate, as a Helm install
 * configures it: a token from the login endpoint is accepted by the verification every service
 * runs (common's VerifiedTokens over SmallRye JWT), and one signed by another key is not.
 */
@QuarkusTest
@TestProfile(HelmStyleKeysTest.HelmKeys.class)
class HelmStyleKeysTest {

    /** Its own keys instead of the suite's: the other tests' resource is left out, not raced. */
    public static class HelmKeys implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(HelmStyleKeysResource.class, Map.of("service", "users")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Test
    void signsWithAPkcs1KeyAndVerifiesWithACertificate() {
        String name = "helm-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"name\":\"" + name + "\",\"password\":\"long-enough-pass\"}";
        given().contentType(ContentType.JSON).body(body).post("/api/users").then().statusCode(201);
        String token = given().contentType(ContentType.JSON).body(body)
                .post("/api/auth/token").then().statusCode(200).extract().path("accessToken");

        given().auth().oauth2(token).get("/api/me").then().statusCode(200).body("name", equalTo(name));
        given().auth().oauth2(TestTokens.forged(name)).get("/api/me").then().statusCode(401);
        // Signed with the test suite's usual key, which this certificate does not hold.
        given().auth().oauth2(TestTokens.valid(name)).get("/api/me").then().statusCode(401);
    }
}
