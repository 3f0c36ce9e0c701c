package io.chorus.user.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

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
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "users"))
class UserResourceTest {

    private static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void register(String name, String password) {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}")
                .post("/api/users").then().statusCode(201);
    }

    private static String logIn(String name, String password) {
        return given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}")
                .post("/api/auth/token").then().statusCode(200).extract().path("accessToken");
    }

    @Test
    void registersUserAndNeverReturnsThePassword() {
        String name = uniqueName("alice");
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"s3cret-pass\"}")
                .when().post("/api/users")
                .then().statusCode(201)
                .header("Location", containsString("/api/users/" + name))
                .body("name", equalTo(name))
                .body("createdAt", notNullValue())
                .body("password", nullValue())
                .body("passwordHash", nullValue());
    }

    @Test
    void refusesNameTakenInAnotherCaseAndKeepsTheFirst() {
        String name = uniqueName("Carol");
        register(name, "first-password");
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + name.toLowerCase() + "\",\"password\":\"second-password\"}")
                .when().post("/api/users")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("taken"));
        // The first account is untouched: its password still works, the second one does not.
        logIn(name, "first-password");
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"password\":\"second-password\"}")
                .post("/api/auth/token").then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{not json",
            "",
            "[]",
            "\"a string\"",
            "{\"name\":123,\"password\":\"long-enough\"}",
            "{\"name\":\"ok-name\",\"password\":12345678}",
            "{\"name\":[\"x\"],\"password\":\"long-enough\"}",
            "{\"password\":\"long-enough\"}",
            "{\"name\":\"ok-name\"}",
            "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\",\"password\":\"long-enough\"}",
            "{\"name\":\"bad name\",\"password\":\"long-enough\"}",
            "{\"name\":\"ok-name\",\"password\":\"short\"}",
            "{\"name\":\"ok-name\",\"password\":\"long-enough\"} trailing"
    })
    void refusesBadRegistrationWithProblemJson(String body) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/users")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("title", notNullValue())
                .body("detail", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void badRegistrationChangesNothing() {
        String name = uniqueName("dave");
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"short\"}")
                .post("/api/users").then().statusCode(400);
        register(name, "now-long-enough");
    }

    @Test
    void refusesBodiesOver64KibWithProblemJson() {
        String name = uniqueName("huge");
        given().contentType(ContentType.JSON)
                .body("{\"name\":\"" + name + "\",\"password\":\"" + "p".repeat(70_000) + "\"}")
                .when().post("/api/users")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("status", equalTo(413));
        given().auth().oauth2(TestTokens.valid(name)).get("/api/users/" + name).then().statusCode(404);
    }

    @Test
    void refusesWrongContentType() {
        given().contentType(ContentType.TEXT).body("name=x")
                .when().post("/api/users")
                .then().statusCode(415)
                .contentType("application/problem+json");
    }

    @Test
    void logsInAndTheTokenProvesWhoYouAre() {
        String name = uniqueName("Erin");
        register(name, "erins-password");
        given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"erins-password\"}")
                .when().post("/api/auth/token")
                .then().statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .body("expiresIn", equalTo(3600))
                .body("accessToken", startsWith("ey"));
        // Logging in with the name in another case finds the same account.
        String token = logIn(name.toLowerCase(), "erins-password");
        given().auth().oauth2(token).when().get("/api/me")
                .then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void refusesWrongPasswordAndUnknownUserAlike() {
        String name = uniqueName("frank");
        register(name, "franks-password");
        for (String body : new String[] {
                "{\"name\":\"" + name + "\",\"password\":\"wrong-password\"}",
                "{\"name\":\"" + uniqueName("nobody") + "\",\"password\":\"franks-password\"}",
                "{\"name\":\"bad name\",\"password\":\"franks-password\"}",
                "{}"}) {
            given().contentType(ContentType.JSON).body(body)
                    .when().post("/api/auth/token")
                    .then().statusCode(401)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("wrong name or password"));
        }
    }

    @Test
    void meRequiresAValidToken() {
        String name = uniqueName("gina");
        register(name, "ginas-password");
        given().when().get("/api/me").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2("not-a-jwt").when().get("/api/me").then().statusCode(401);
        given().auth().oauth2(TestTokens.expired(name)).when().get("/api/me")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.forged(name)).when().get("/api/me")
                .then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.valid(name)).when().get("/api/me")
                .then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void acceptsTheTokenAsAccessTokenQueryParameter() {
        String name = uniqueName("hank");
        register(name, "hanks-password");
        given().queryParam("access_token", logIn(name, "hanks-password"))
                .when().get("/api/me").then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void findsUsersIgnoringCaseAnd404sUnknownOnes() {
        String name = uniqueName("Ivy");
        register(name, "ivys-password");
        String token = TestTokens.valid(name);
        given().auth().oauth2(token).when().get("/api/users/" + name.toUpperCase())
                .then().statusCode(200).body("name", equalTo(name));
        given().auth().oauth2(token).when().get("/api/users/" + uniqueName("nobody"))
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token).when().get("/api/users/bad%20name")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void pagesTheDirectoryByPrefix() {
        String prefix = "dir" + UUID.randomUUID().toString().substring(0, 6);
        for (String suffix : new String[] {"c", "A", "b", "d", "E"}) {
            register(prefix + suffix, "password-" + suffix);
        }
        String token = TestTokens.valid(prefix + "a");
        given().auth().oauth2(token).queryParam("prefix", prefix).queryParam("limit", 2)
                .when().get("/api/users")
                .then().statusCode(200)
                .body("users.name", contains(prefix + "A", prefix + "b"))
                .body("next", equalTo(prefix + "b"));
        given().auth().oauth2(token).queryParam("prefix", prefix).queryParam("limit", 2).queryParam("after", prefix + "b")
                .when().get("/api/users")
                .then().statusCode(200)
                .body("users.name", contains(prefix + "c", prefix + "d"));
        given().auth().oauth2(token).queryParam("prefix", prefix.toUpperCase()).queryParam("after", prefix + "d")
                .when().get("/api/users")
                .then().statusCode(200)
                .body("users.name", contains(prefix + "E"))
                .body("next", nullValue());
        given().auth().oauth2(token).queryParam("prefix", prefix)
                .when().get("/api/users")
                .then().statusCode(200)
                .body("users", hasSize(5))
                .body("users.passwordHash", everyItem(nullValue()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=101", "limit=abc", "prefix=a%20b", "after=bad%20name"})
    void refusesBadDirectoryQueries(String query) {
        given().auth().oauth2(TestTokens.valid("someone"))
                .when().get("/api/users?" + query)
                .then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void directoryRequiresAToken() {
        given().when().get("/api/users").then().statusCode(401);
    }
}
