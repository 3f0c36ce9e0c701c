package io.chorus.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.testing.FakeLogsResource;
import io.chorus.testing.ChorusTestResource;
import io.chorus.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "gateway"))
@QuarkusTestResource(FakeLogsResource.class)
class GroupResourceTest {

    @TestHTTPResource("/")
    URL base;

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void create(String group, String creator) {
        given().auth().oauth2(TestTokens.valid(creator)).contentType(ContentType.JSON)
                .body("{\"name\":\"" + group + "\"}").post("/api/groups").then().statusCode(201);
    }

    @Test
    void creatorIsTheFirstMemberAndNamesAreUniqueIgnoringCase() {
        String group = unique("Team");
        String alice = unique("alice");
        given().auth().oauth2(TestTokens.valid(alice)).contentType(ContentType.JSON)
                .body("{\"name\":\"" + group + "\"}").post("/api/groups")
                .then().statusCode(201)
                .body("name", equalTo(group))
                .body("createdBy", equalTo(alice))
                .body("owner", equalTo(alice))
                .body("memberCount", equalTo(1));
        given().auth().oauth2(TestTokens.valid(alice)).get("/api/groups/" + group + "/members")
                .then().statusCode(200).body("members.name", contains(alice));
        given().auth().oauth2(TestTokens.valid(unique("bob"))).contentType(ContentType.JSON)
                .body("{\"name\":\"" + group.toLowerCase() + "\"}").post("/api/groups")
                .then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void bodiesThatAreNotJsonGetA415ProblemWhateverTheMethodAndEvenWhenEmpty() {
        String alice = TestTokens.valid(unique("alice"));
        // An empty text/plain body was a bare 400 without a problem document on some methods.
        for (String method : new String[] {"POST", "PATCH", "PUT"}) {
            String path = method.equals("POST") ? "/api/groups" : method.equals("PATCH") ? "/api/groups/g/messages/1"
                    : "/api/groups/g/read";
            given().auth().oauth2(alice).contentType("text/plain").body("").request(method, path)
                    .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
        }
        given().auth().oauth2(alice).contentType("application/json; charset=UTF-8").body("{\"name\":\"" + unique("json") + "\"}")
                .post("/api/groups").then().statusCode(201);
    }

    @Test
    void listsTheCallersGroupsEvenWhenHistoryCannotCountTheirUnreadMessages() {
        // This suite's stand-in for history-service has no /internal/unread: the counts are left out, the list stays.
        String group = unique("counted");
        String alice = unique("alice");
        create(group, alice);
        given().auth().oauth2(TestTokens.valid(alice)).get("/api/groups?member=me").then().statusCode(200)
                .body("groups.name", hasItem(group))
                .body("groups.find { it.name == '" + group + "' }", not(hasKey("unread")))
                .body("groups.find { it.name == '" + group + "' }", hasKey("lastRead"));
    }

    @Test
    void joinsAndLeavesIdempotently() {
        String group = unique("club");
        String alice = unique("alice");
        String bob = unique("bob");
        create(group, alice);
        String bobToken = TestTokens.valid(bob);
        given().auth().oauth2(bobToken).put("/api/groups/" + group + "/members/me").then().statusCode(200)
                .body("cursor", notNullValue());
        given().auth().oauth2(bobToken).put("/api/groups/" + group.toUpperCase() + "/members/me")
                .then().statusCode(200).body("memberCount", equalTo(2)).body("cursor", nullValue());
        given().auth().oauth2(bobToken).queryParam("member", "me").get("/api/groups")
                .then().statusCode(200).body("groups.name", hasItem(group));
        given().auth().oauth2(bobToken).delete("/api/groups/" + group + "/members/me").then().statusCode(204);
        given().auth().oauth2(bobToken).delete("/api/groups/" + group + "/members/me").then().statusCode(204);
        given().auth().oauth2(bobToken).queryParam("member", "me").get("/api/groups")
                .then().statusCode(200).body("groups.name", not(hasItem(group)));
        given().auth().oauth2(bobToken).get("/api/groups")
                .then().statusCode(200).body("groups.name", hasItem(group));
    }

    @Test
    void nonMembersMayNotPostReadOrListen() {
        String group = unique("private");
        create(group, unique("alice"));
        String carol = TestTokens.valid(unique("carol"));
        given().auth().oauth2(carol).contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/api/groups/" + group + "/messages").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(carol).get("/api/groups/" + group + "/messages").then().statusCode(403);
        given().auth().oauth2(carol).accept("text/event-stream").get("/api/groups/" + group + "/events")
                .then().statusCode(403);
    }

    @Test
    void unknownGroupsAre404() {
        String token = TestTokens.valid(unique("dave"));
        String missing = unique("nowhere");
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"text\":\"hi\"}")
                .post("/api/groups/" + missing + "/messages").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(token).get("/api/groups/" + missing + "/messages").then().statusCode(404);
        given().auth().oauth2(token).put("/api/groups/" + missing + "/members/me").then().statusCode(404);
        given().auth().oauth2(token).get("/api/groups/" + missing + "/members").then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"\"}", "{\"name\":\"has space\"}", "{\"name\":7}", "[", "{\"name\":\"abcdefghijklmnopqrstuvwxyz0123456\"}"})
    void refusesBadGroupNames(String body) {
        given().auth().oauth2(TestTokens.valid(unique("erin"))).contentType(ContentType.JSON).body(body)
                .post("/api/groups").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void refusesBadPostsBeforeStoringAnything() {
        String group = unique("posts");
        String alice = unique("alice");
        create(group, alice);
        given().auth().oauth2(TestTokens.valid(alice)).contentType(ContentType.JSON).body("{\"text\":\"   \"}")
                .post("/api/groups/" + group + "/messages").then().statusCode(400);
        given().auth().oauth2(TestTokens.valid(alice)).contentType(ContentType.JSON)
                .body("{\"text\":\"" + "y".repeat(4097) + "\"}")
                .post("/api/groups/" + group + "/messages").then().statusCode(400);

        // Posts and edits alike, in any script: the detail says what is wrong and where.
        for (String method : new String[] {"POST", "PATCH"}) {
            String path = "/api/groups/" + group + "/messages" + (method.equals("PATCH") ? "/1" : "");
            given().auth().oauth2(TestTokens.valid(alice)).contentType(ContentType.JSON)
                    .body("{\"text\":\"" + "\ud83d\ude00".repeat(4097) + "\"}").request(method, path).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("text: must be 1 to 4096 characters (Unicode code points) after trimming (it has 4097)"));
            given().auth().oauth2(TestTokens.valid(alice)).contentType(ContentType.JSON)
                    .body("{\"text\":\"" + "\\u0001".repeat(4096) + "\"}").request(method, path).then().statusCode(400)
                    .contentType("application/problem+json").body("detail", equalTo("text: must not contain control"
                            + " characters other than tab, line feed and carriage return (U+0001 at position 1)"));
        }
    }

    @Test
    void refusesExpiredAndForgedTokens() {
        given().auth().oauth2(TestTokens.expired("frank")).get("/api/groups").then().statusCode(401);
        given().auth().oauth2(TestTokens.forged("frank")).get("/api/groups").then().statusCode(401);
        given().get("/api/groups").then().statusCode(401).contentType("application/problem+json");
        given().accept("text/event-stream").get("/api/events").then().statusCode(401);
    }

    @Test
    void streamsSendHeartbeatCommentsAndAcceptTheTokenAsQueryParameter() throws Exception {
        String group = unique("beat");
        String alice = unique("alice");
        create(group, alice);
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/groups/" + group + "/events?access_token="
                        + TestTokens.valid(alice)))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build();
        // The opening cursor needs the log heads, read once the gateway follows the logs.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // First the opening cursor: an id and no data, so EventSource can resume from here.
            String line = lines.readLine();
            assertTrue(line.matches(":\\s?cursor"), line);
            line = lines.readLine();
            assertTrue(line.matches("id:\\s?\\d+"), line);
            assertEquals("", lines.readLine());
            do {
                line = lines.readLine();
            } while (line != null && !line.startsWith(":"));
            // An SSE comment line: ":" then the text (a space after the colon is optional).
            assertTrue(line != null && line.matches(":\\s?heartbeat"), line);
        }
    }
}
