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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.gateway.group.Groups;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
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
        // This suite's stand-in for history-service fails unread counts for "uncounted" groups: the counts are left out, the list stays.
        String group = unique("uncounted");
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
        given().auth().oauth2(bobToken).get("/api/groups?limit=1&after=" + group.substring(0, group.length() - 1))
                .then().statusCode(200).body("groups[0].name", equalTo(group)).body("groups[0].memberCount", equalTo(2));
        given().auth().oauth2(bobToken).queryParam("member", "me").get("/api/groups")
                .then().statusCode(200).body("groups.name", hasItem(group));
        given().auth().oauth2(bobToken).delete("/api/groups/" + group + "/members/me").then().statusCode(204);
        given().auth().oauth2(bobToken).delete("/api/groups/" + group + "/members/me").then().statusCode(204);
        given().auth().oauth2(bobToken).get("/api/groups/" + group).then().statusCode(200).body("memberCount", equalTo(1));
        given().auth().oauth2(bobToken).queryParam("member", "me").get("/api/groups")
                .then().statusCode(200).body("groups.name", not(hasItem(group)));
        given().auth().oauth2(bobToken).get("/api/groups")
                .then().statusCode(200).body("groups.name", hasItem(group));
    }

    @Test
    void aPostOverAConnectionUpgradedToHttp2IsReadLikeAnyOther() throws Exception {
        // java.net.http asks for h2c by default: the body then comes as HTTP/2 frames, past the
        // HTTP/1 body handler, and the post route must still read it.
        String group = unique("upgraded");
        create(group, unique("alice"));
        HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        String carol = TestTokens.valid(unique("carol"));
        HttpResponse<String> nonMember = http2.send(HttpRequest.newBuilder(URI.create(base + "api/groups/" + group + "/messages")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + carol).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, nonMember.statusCode(), nonMember.body());
        HttpResponse<String> badText = http2.send(HttpRequest.newBuilder(URI.create(base + "api/groups/" + group + "/messages")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + carol).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"  \"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badText.statusCode(), badText.body());
        assertTrue(badText.body().contains("text: must be 1 to"), badText.body());
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

    /** A page as the client sees it: the names in order and the {@code next} it was given, null if absent. */
    private record ListPage(List<String> names, String next, List<Map<String, Object>> groups) {
    }

    private static ListPage listPage(String token, Map<String, String> query) {
        io.restassured.path.json.JsonPath page = given().auth().oauth2(token).queryParams(query).get("/api/groups")
                .then().statusCode(200).contentType(ContentType.JSON).extract().jsonPath();
        Map<String, Object> whole = page.getMap("$");
        return new ListPage(page.getList("groups.name", String.class), (String) whole.get("next"), page.getList("groups"));
    }

    /** Follows {@code next} from the first page to the last, checking how each page ends. */
    private static List<ListPage> walk(String token, Map<String, String> query) {
        List<ListPage> pages = new ArrayList<>();
        String after = null;
        do {
            Map<String, String> asked = new HashMap<>(query);
            if (after != null) {
                asked.put("after", after);
            }
            ListPage page = listPage(token, asked);
            if (page.next() != null) {
                assertEquals(page.names().getLast(), page.next(), "next is the after of the following page");
            }
            pages.add(page);
            after = page.next();
            assertTrue(pages.size() < 100, "the walk ends");
        } while (after != null);
        return pages;
    }

    private static List<String> names(List<ListPage> pages) {
        return pages.stream().flatMap(page -> page.names().stream()).toList();
    }

    /** Case mixed on purpose: the order and {@code after} compare lower-case keys. */
    private static String pagedName(String prefix, int i) {
        return prefix + (i % 2 == 0 ? "-A" : "-a") + String.format("%03d", i);
    }

    @Test
    void listsEveryGroupOnceInNameOrderAcrossBoundedPages() {
        String prefix = "pg" + UUID.randomUUID().toString().substring(0, 8);
        List<String> mine = IntStream.range(0, 260).mapToObj(i -> pagedName(prefix, i)).toList();
        // A creator each: the test is about lists, not about one user's write budget.
        mine.parallelStream().forEach(name -> create(name, unique("maker")));
        String reader = TestTokens.valid(unique("reader"));

        List<ListPage> pages = walk(reader, Map.of("limit", "200"));
        List<String> all = names(pages);
        assertTrue(pages.stream().allMatch(page -> page.names().size() <= 200), "no page holds more than the limit");
        assertTrue(pages.stream().limit(pages.size() - 1).allMatch(page -> page.names().size() == 200), "pages are full but the last");
        assertEquals(all.stream().distinct().count(), all.size(), "no group twice");
        assertEquals(all.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList(), all, "name order, ignoring case");
        assertEquals(mine, all.stream().filter(name -> name.startsWith(prefix)).toList(), "every group once, in order");
        assertNull(pages.getLast().next(), "the last page has no next");

        ListPage first = listPage(reader, Map.of());
        assertEquals(Groups.DEFAULT_PAGE_SIZE, first.names().size(), "50 unless asked");
        assertNotNull(first.next());
        assertEquals(200, listPage(reader, Map.of("limit", "200")).names().size(), "up to 200 when asked");
        assertEquals(mine.subList(101, 104), listPage(reader, Map.of("after", mine.get(100).toUpperCase(), "limit", "3")).names(),
                "after compares keys, whatever the case it is given in");
    }

    @Test
    void pagesTheCallersGroupsWithOneUnreadCountPerPage() {
        String prefix = "pm" + UUID.randomUUID().toString().substring(0, 8);
        String mia = unique("mia");
        List<String> hers = IntStream.range(0, 55).mapToObj(i -> pagedName(prefix, i)).toList();
        hers.forEach(name -> create(name, mia));
        // Others' groups between hers in name order, which her list must skip.
        List.of(prefix + "-a0005x", prefix + "-A0030x").forEach(name -> create(name, unique("other")));
        String token = TestTokens.valid(mia);

        List<ListPage> pages = walk(token, Map.of("member", "me"));
        assertEquals(List.of(50, 5), pages.stream().map(page -> page.names().size()).toList(), "50 a page unless asked");
        assertEquals(hers, names(pages), "every group of hers once, in name order, and no one else's");
        for (ListPage page : pages) {
            for (Map<String, Object> group : page.groups()) {
                // The stand-in history answers each group with the number of groups asked in the same call.
                assertEquals(page.names().size(), ((Number) group.get("unread")).intValue(), "one unread call per page");
                assertEquals(7, ((Number) group.get("lastRead")).intValue());
            }
        }
        ListPage whole = listPage(token, Map.of("member", "me", "limit", "200"));
        assertEquals(hers, whole.names());
        assertNull(whole.next());
    }

    @Test
    void exposesHowManyMembershipsTheGatewayHoldsInMemory() {
        create(unique("held"), unique("hana"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.regex.Matcher held = java.util.regex.Pattern.compile("(?m)^chorus_memberships_held(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertTrue(held.find(), "the gauge is exported");
        assertTrue(Double.parseDouble(held.group(1)) >= 1, held.group());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "201", "1000000000000", "abc", "1.5", "5;"})
    void refusesLimitsOutsideOneTo200(String limit) {
        String token = TestTokens.valid(unique("lena"));
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("member", "me"))) {
            given().auth().oauth2(token).queryParams(form).queryParam("limit", limit)
                    .get("/api/groups").then().statusCode(400).contentType("application/problem+json")
                    .body("detail", equalTo("limit must be a whole number from 1 to 200"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "..", "abcdefghijklmnopqrstuvwxyz0123456", "caf\u00e9"})
    void refusesAnAfterThatIsNoGroupName(String after) {
        String token = TestTokens.valid(unique("otto"));
        for (Map<String, String> form : List.of(Map.<String, String>of(), Map.of("member", "me"))) {
            given().auth().oauth2(token).queryParams(form).queryParam("after", after)
                    .get("/api/groups").then().statusCode(400).contentType("application/problem+json");
        }
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
            // First the opening cursor: the stream's reconnection time and an id with no data,
            // so EventSource can resume from here, after its own retry.
            String line = lines.readLine();
            assertTrue(line.matches(":\\s?cursor"), line);
            line = lines.readLine();
            assertTrue(line.matches("retry:\\s?\\d+"), line);
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

    @Test
    void aStreamWhoseQueryTokenIsNoTokenIs401NotAServerError() {
        for (String token : new String[] {"a%00b", "a%0D%0AX-Evil:%201", "%20"}) {
            given().urlEncodingEnabled(false).get("/api/groups/%2e%2e/events?access_token=" + token)
                    .then().statusCode(401).contentType("application/problem+json");
            given().urlEncodingEnabled(false).get("/api/events?access_token=" + token)
                    .then().statusCode(401).contentType("application/problem+json");
        }
    }
}
