package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.jwt.build.Jwt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SPEC's limits against the running services, at their production defaults: writes per user
 * (across services and replicas: WriteBudgetIT), failed logins per name and address, streams per
 * user, and streams that end with their token; texts at the length limit in every script, and
 * refusals that stay with the request that caused them. Each test fails without its limit (it
 * asserts the refusal and that nothing was stored); the attacks are followed by the
 * {@link HealthProbe}. (Registrations per address are the one limit raised here, for every
 * suite: see ChorusCluster; user-service's RegistrationLimitTest.)
 */
class LimitsIT extends AgainstCluster {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * The write budget refills continuously (20 a second after a burst of 100), so what passes
     * depends on how long the flood took: at most the burst plus 20 a second of it.
     */
    private static void assertWithinTheBudget(long created, long alreadyWritten, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        double allowed = 100 + 20 * seconds + 1 - alreadyWritten;
        assertTrue(created >= 100 - alreadyWritten && created <= allowed,
                created + " passed in " + String.format("%.2f", seconds) + " s; the budget allows " + allowed);
    }

    @Test
    void groupPostsPastTheBudgetGet429WithRetryAfterAndAreNotStored() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("flood");
        // alice's group creation was a write too: one of her 100.
        long started = System.nanoTime();
        List<Response> answers = untilRefused(n -> given().auth().oauth2(duo.alice()).contentType(ContentType.JSON)
                .body("{\"text\":\"flood " + n + "\"}").post(api.gateway() + "/api/groups/" + duo.group() + "/messages"));
        long created = answers.stream().filter(answer -> answer.statusCode() == 201).count();
        long refused = answers.stream().filter(answer -> answer.statusCode() == 429).count();
        assertEquals(answers.size(), created + refused, "every post was either stored or refused");
        assertWithinTheBudget(created, 1, started);
        assertTrue(refused > 0, "posts past the budget are refused");
        for (Response tooMany : answers.stream().filter(answer -> answer.statusCode() == 429).toList()) {
            assertEquals("application/problem+json", tooMany.contentType());
            int retryAfter = Integer.parseInt(tooMany.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "Retry-After " + retryAfter);
        }

        List<String> stored = given().auth().oauth2(duo.bob()).queryParam("limit", 1000)
                .get(api.gateway() + "/api/groups/" + duo.group() + "/messages").then().statusCode(200)
                .extract().jsonPath().getList("messages.text");
        assertEquals(created, stored.size(), "exactly the accepted posts are in history");
        // bob has his own allowance.
        api.post(duo.bob(), duo.group(), "bob is not limited by alice");
    }

    @Test
    void directMessagesPastTheBudgetGet429AndAreNotStored() throws Exception {
        String sender = Api.unique("dmflood");
        String senderToken = api.signUp(sender);
        String peer = Api.unique("peer");
        String peerToken = api.signUp(peer);
        long started = System.nanoTime();
        List<Response> answers = untilRefused(n -> given().auth().oauth2(senderToken).contentType(ContentType.JSON)
                .body("{\"text\":\"dm " + n + "\"}").post(api.dms() + "/api/dms/" + peer + "/messages"));
        long created = answers.stream().filter(answer -> answer.statusCode() == 201).count();
        long refused = answers.stream().filter(answer -> answer.statusCode() == 429).count();
        assertEquals(answers.size(), created + refused, "every DM was either stored or refused");
        assertWithinTheBudget(created, 0, started);
        assertTrue(refused > 0, "DMs past the budget are refused");
        int stored = given().auth().oauth2(peerToken).queryParam("limit", 1000).get(api.dms() + "/api/dms/" + sender + "/messages")
                .then().statusCode(200).extract().jsonPath().getList("messages").size();
        assertEquals(created, stored);
    }

    @Test
    void fiveFailedLoginsLockThatNameOutEvenWithTheRightPassword() {
        String name = Api.unique("guessed");
        api.signUp(name);
        for (int attempt = 1; attempt <= 5; attempt++) {
            login(name, "wrong-password-" + attempt).then().statusCode(401);
        }
        Response locked = login(name, "password-of-" + name);
        assertEquals(429, locked.statusCode(), locked.asString());
        assertEquals("application/problem+json", locked.contentType());
        int retryAfter = Integer.parseInt(locked.header("Retry-After"));
        assertTrue(retryAfter > 60 && retryAfter <= 300, "locked for the rest of the 5 minutes: " + retryAfter);

        String other = Api.unique("neighbour");
        api.signUp(other);
        login(other, "password-of-" + other).then().statusCode(200);
    }

    @Test
    void aUserMayHoldTwentyStreamsAndTheTwentyFirstGets429() throws Exception {
        String name = Api.unique("streamer");
        String token = api.signUp(name);
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(api.everything(token, ""));
            }
            HttpResponse<String> refused = openStream(token);
            assertEquals(429, refused.statusCode(), refused.body());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertTrue(refused.body().contains("\"status\":429"), refused.body());

            open.remove(0).close();
            // The closed stream gives its place back once the gateway notices the dropped connection.
            org.awaitility.Awaitility.await("a place is free again").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        try (SseClient again = SseClient.connect(api.gateway() + "/api/events", token)) {
                            return !again.isEnded();
                        } catch (AssertionError stillFull) {
                            return false;
                        }
                    });
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpires() throws Exception {
        String name = Api.unique("expiring");
        api.signUp(name);
        String shortLived = Jwt.issuer("chorus").upn(name).subject(name).groups("user").issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(4)).sign(cluster.keys().keyPair().getPrivate());
        String longLived = api.signUp(Api.unique("lasting"));
        try (SseClient expiring = api.everything(shortLived, "");
             SseClient lasting = api.everything(longLived, "")) {
            assertFalse(expiring.isEnded());
            assertTrue(expiring.awaitEnd(Duration.ofSeconds(15)), "the stream ended when its token expired");
            assertFalse(lasting.isEnded(), "a stream with a valid token stays open");
            assertEquals(401, openStream(shortLived).statusCode(), "reconnecting needs a fresh token");
        }
    }

    /**
     * Sixteen members post the longest text (euro signs as UTF-8, emoji as escaped surrogate
     * pairs, the largest body a valid post can be) at the same moment as another member posts
     * "hi" sixteen times: the gateway batches them towards history-service, and still every post
     * is 201 and stored; none is refused for what the others sent.
     */
    @Test
    void longPostsAtTheSameMomentAsShortOnesAreAllStoredAndNoneIsRefused() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("crowd");
        List<String> posters = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String token = api.signUp(Api.unique("long" + i));
            api.join(token, duo.group());
            posters.add(token);
        }
        List<String> expected = new ArrayList<>();
        List<java.util.concurrent.Callable<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            boolean emoji = i % 2 == 1;
            expected.add((emoji ? "\ud83d\ude00" : "\u20ac").repeat(4096));
            String body = "{\"text\":\"" + (emoji ? "\\ud83d\\ude00" : "\u20ac").repeat(4096) + "\"}";
            String token = posters.get(i);
            posts.add(() -> postJson(token, "/api/groups/" + duo.group() + "/messages", body));
            expected.add("hi");
            posts.add(() -> postJson(duo.bob(), "/api/groups/" + duo.group() + "/messages", "{\"text\":\"hi\"}"));
        }
        List<Integer> statuses = atTheSameMoment(posts);
        assertEquals(java.util.Collections.nCopies(32, 201), statuses);
        List<String> stored = new ArrayList<>(given().auth().oauth2(duo.alice()).queryParam("limit", 100)
                .get(api.gateway() + "/api/groups/" + duo.group() + "/messages").then().statusCode(200)
                .extract().jsonPath().getList("messages.text", String.class));
        stored.sort(null);
        expected.sort(null);
        assertEquals(expected, stored, "history holds every post, whole");
        HealthProbe.assertServesOthers(cluster, api);
    }

    /** 4,096 characters of any script, posted and edited, in groups and DMs; 4,097 and a control character refused. */
    @Test
    void textsAtTheLimitInEveryScriptAreAcceptedAndBadOnesRefusedSayingWhy() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("scripts");
        List<String> longest = java.util.stream.Stream.of("\u00e9", "\u20ac", "\u5b57", "\ud83d\ude00", "\u00e9\u20ac\u5b57\ud83d\ude00")
                .map(c -> c.repeat(4096 / c.codePointCount(0, c.length()))).toList();
        String groupMessages = "/api/groups/" + duo.group() + "/messages";
        String dms = "/api/dms/" + duo.bobName() + "/messages";
        for (String base : List.of(api.gateway() + groupMessages, api.dms() + dms)) {
            List<Long> ids = new ArrayList<>();
            for (String text : longest) {
                Response stored = send("POST", duo.alice(), base, "{\"text\":\"" + text + "\"}");
                assertEquals(201, stored.statusCode(), stored.asString());
                assertEquals(text, stored.jsonPath().getString("text"));
                ids.add(stored.jsonPath().getLong("id"));
            }
            String edited = base + "/" + ids.getFirst();
            for (String text : longest) {
                Response edit = send("PATCH", duo.alice(), edited, "{\"text\":\"" + text + "\"}");
                assertEquals(200, edit.statusCode(), edit.asString());
                assertEquals(text, edit.jsonPath().getString("text"));
            }
            for (String target : List.of(base, edited)) {
                String method = target.equals(base) ? "POST" : "PATCH";
                Response tooLong = send(method, duo.alice(), target, "{\"text\":\"" + "\u20ac".repeat(4097) + "\"}");
                assertEquals(400, tooLong.statusCode(), tooLong.asString());
                assertTrue(tooLong.jsonPath().getString("detail").contains("1 to 4096 characters"), tooLong.asString());
                Response control = send(method, duo.alice(), target, "{\"text\":\"" + "\\u0001".repeat(4096) + "\"}");
                assertEquals(400, control.statusCode(), control.asString());
                assertTrue(control.jsonPath().getString("detail").contains("control characters"), control.asString());
                assertEquals("application/problem+json", control.contentType());
            }
            List<String> history = given().auth().oauth2(duo.alice()).queryParam("limit", 100)
                    .get(base).then().statusCode(200).extract().jsonPath().getList("messages.text", String.class);
            List<String> expected = new ArrayList<>(longest);
            expected.set(0, longest.getLast());
            assertEquals(expected, history, "the accepted texts whole, the last edit kept, nothing of the refused");
        }
        HealthProbe.assertServesOthers(cluster, api);
    }

    /**
     * Sixty wrong passwords for one name at the same moment: each reserves its attempt before its
     * password is checked, so no more than five are checked (401) and the rest are refused (429).
     */
    @Test
    void sixtyConcurrentWrongPasswordsGetAtMostFiveChecked() throws Exception {
        String name = Api.unique("stormed");
        api.signUp(name);
        List<java.util.concurrent.Callable<Integer>> guesses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String password = "wrong-password-" + i;
            guesses.add(() -> login(name, password).statusCode());
        }
        List<Integer> statuses = atTheSameMoment(guesses);
        long checked = statuses.stream().filter(status -> status == 401).count();
        assertEquals(60, checked + statuses.stream().filter(status -> status == 429).count(), statuses.toString());
        assertTrue(checked >= 1 && checked <= 5, "at most five checked: " + statuses);
        assertEquals(429, login(name, "password-of-" + name).statusCode(), "the right password waits out the window too");
        String other = Api.unique("bystander");
        api.signUp(other);
        login(other, "password-of-" + other).then().statusCode(200);
        HealthProbe.assertServesOthers(cluster, api);
    }

    private static Response send(String method, String token, String url, String json) {
        return given().auth().oauth2(token).contentType("application/json; charset=UTF-8")
                .body(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).request(method, url);
    }

    private static int postJson(String token, String path, String json) {
        return send("POST", token, api.gateway() + path, json).statusCode();
    }

    /** Runs the calls on a thread each, released together, and returns their answers in order. */
    private static List<Integer> atTheSameMoment(List<java.util.concurrent.Callable<Integer>> calls) throws Exception {
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(calls.size())) {
            for (java.util.concurrent.Callable<Integer> call : calls) {
                answers.add(clients.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        return statuses;
    }

    private static io.restassured.response.Response login(String name, String password) {
        return given().contentType(ContentType.JSON).body("{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}")
                .post(api.users() + "/api/auth/token");
    }

    private static HttpResponse<String> openStream(String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.gateway() + "/api/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private interface Post {
        Response send(int n);
    }

    /**
     * Sends as fast as 16 clients can until the first refusal (or 1,000 sends): however slow the
     * machine, the flood then outruns 20 a second for as long as the budget takes to run out;
     * without a budget it runs to the cap.
     */
    private static List<Response> untilRefused(Post post) throws Exception {
        List<Response> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean refused = new AtomicBoolean();
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int client = 0; client < 16; client++) {
                clients.add(pool.submit(() -> {
                    int n;
                    while (!refused.get() && (n = sent.getAndIncrement()) < 1000) {
                        Response answer = post.send(n);
                        answers.add(answer);
                        if (answer.statusCode() == 429) {
                            refused.set(true);
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> client : clients) {
            client.get();
        }
        return List.copyOf(answers);
    }
}
