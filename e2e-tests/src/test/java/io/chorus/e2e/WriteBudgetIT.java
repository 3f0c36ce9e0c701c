package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC's one write budget per user (bursts of 100, 20 a second), at its defaults, with two gateway
 * replicas and dm-service: every kind of write counts, wherever it arrives, against one budget.
 * Each test uses fresh users, whose budgets are full. Without the shared budget, the writes of
 * one user spread over three services get three budgets (and edits, group creations, joins and
 * read markers none at all), which every test here refuses.
 */
@AgainstCluster.Gateways(2)
class WriteBudgetIT extends AgainstCluster {

    static Api first;
    static Api second;

    @BeforeAll
    static void oneApiPerReplica() {
        first = new Api(cluster, "group-gateway");
        second = new Api(cluster, "group-gateway-2");
    }

    /** One write: its kind (for the report) and the request. */
    private record Write(String kind, Response response) {
    }

    /** The answers to {@code count} writes sent as fast as 16 clients can (far above 20 a second). */
    private static List<Write> asFastAsPossible(int count, IntFunction<Write> write) throws Exception {
        List<Future<Write>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < count; i++) {
                int n = i;
                answers.add(clients.submit(() -> write.apply(n)));
            }
        }
        List<Write> writes = new ArrayList<>();
        for (Future<Write> answer : answers) {
            writes.add(answer.get());
        }
        return writes;
    }

    /**
     * Writes as fast as 16 clients can until {@code enough} holds for the answers so far (or
     * {@code cap} writes were sent): however slow the machine, the flood then outruns 20 a second
     * for as long as it takes to show refusals, and without a budget it runs to the cap.
     */
    private static List<Write> untilRefused(int cap, Predicate<List<Write>> enough,
                                            IntFunction<Write> write) throws Exception {
        List<Write> answers = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int client = 0; client < 16; client++) {
                clients.add(pool.submit(() -> {
                    int n;
                    while (!done.get() && (n = sent.getAndIncrement()) < cap) {
                        answers.add(write.apply(n));
                        synchronized (answers) {
                            if (enough.test(answers)) {
                                done.set(true);
                            }
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

    /** The writes the budget let through: all answers but 429 (a 404 or 409 still took a permit). */
    private static long granted(List<Write> writes) {
        return writes.stream().filter(write -> write.response().statusCode() != 429).count();
    }

    /** Every refusal is SPEC's: 429 problem+json with a Retry-After of whole seconds, at least 1. */
    private static void assertRefusalsSayWhenToRetry(List<Write> writes) {
        for (Write write : writes) {
            Response answer = write.response();
            if (answer.statusCode() == 429) {
                assertEquals("application/problem+json", answer.contentType(), write.kind());
                int retryAfter = Integer.parseInt(answer.header("Retry-After"));
                assertTrue(retryAfter >= 1 && retryAfter <= 5, write.kind() + ": Retry-After " + retryAfter);
            }
        }
    }

    /** At most the burst and 20 a second for the time the writes took (plus one for the clock's edges). */
    private static void assertWithinOneBudget(long granted, long startedNanos, String what) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        double allowed = 100 + 20 * seconds + 1;
        assertTrue(granted >= 100 && granted <= allowed,
                what + ": " + granted + " granted in " + String.format("%.2f", seconds) + " s; one budget allows " + allowed);
    }

    @Test
    void oneUserWritingThroughBothGatewaysAndDmServiceGetsOneBudget() throws Exception {
        // Others set the scene, so every write of ann's below is part of the count.
        String ownerName = Api.unique("owner");
        String owner = first.signUp(ownerName);
        String group = Api.unique("budget");
        String revolving = Api.unique("revolving");
        first.createGroup(owner, group);
        first.createGroup(owner, revolving);
        String peer = Api.unique("peer");
        first.signUp(peer);
        String annName = Api.unique("ann");
        String ann = first.signUp(annName);

        long started = System.nanoTime();
        List<Write> setUp = new ArrayList<>();
        setUp.add(new Write("join", given().auth().oauth2(ann).put(first.gateway() + "/api/groups/" + group + "/members/me")));
        Response posted = post(first, ann, group, "the one ann edits");
        setUp.add(new Write("post", posted));
        Response dm = given().auth().oauth2(ann).contentType(ContentType.JSON).body("{\"text\":\"first\"}")
                .post(first.dms() + "/api/dms/" + peer + "/messages");
        setUp.add(new Write("dm", dm));
        long messageId = posted.then().statusCode(201).extract().jsonPath().getLong("id");
        long dmId = dm.then().statusCode(201).extract().jsonPath().getLong("id");

        // Until every kind of write has been refused at least once: each counts against the budget.
        List<Write> flood = untilRefused(2000, answers -> answers.stream().filter(w -> w.response().statusCode() == 429)
                .map(Write::kind).distinct().count() == 8, n -> switch (n % 8) {
            case 0 -> new Write("post via the first gateway", post(first, ann, group, "first " + n));
            case 1 -> new Write("post via the second gateway", post(second, ann, group, "second " + n));
            case 2 -> new Write("dm", given().auth().oauth2(ann).contentType(ContentType.JSON)
                    .body("{\"text\":\"dm " + n + "\"}").post(first.dms() + "/api/dms/" + peer + "/messages"));
            case 3 -> new Write("edit", given().auth().oauth2(ann).contentType(ContentType.JSON)
                    .body("{\"text\":\"edit " + n + "\"}")
                    .patch(second.gateway() + "/api/groups/" + group + "/messages/" + messageId));
            case 4 -> new Write("group creation", given().auth().oauth2(ann).contentType(ContentType.JSON)
                    .body("{\"name\":\"" + Api.unique("g") + "\"}").post(second.gateway() + "/api/groups"));
            case 5 -> new Write("join or leave", n % 16 < 8
                    ? given().auth().oauth2(ann).put(first.gateway() + "/api/groups/" + revolving + "/members/me")
                    : given().auth().oauth2(ann).delete(second.gateway() + "/api/groups/" + revolving + "/members/me"));
            case 6 -> new Write("group read marker", given().auth().oauth2(ann).contentType(ContentType.JSON)
                    .body("{\"upTo\":" + messageId + "}").put(first.gateway() + "/api/groups/" + group + "/read"));
            default -> new Write("dm read marker", given().auth().oauth2(ann).contentType(ContentType.JSON)
                    .body("{\"upTo\":" + dmId + "}").put(first.dms() + "/api/dms/" + peer + "/read"));
        });

        List<Write> all = new ArrayList<>(setUp);
        all.addAll(flood);
        assertWithinOneBudget(granted(all), started, "ann's writes through two gateways and dm-service");
        assertRefusalsSayWhenToRetry(flood);
        Map<String, Long> refusedByKind = new TreeMap<>();
        for (Write write : flood) {
            refusedByKind.merge(write.kind(), write.response().statusCode() == 429 ? 1L : 0L, Long::sum);
        }
        assertTrue(refusedByKind.size() == 8 && refusedByKind.values().stream().allMatch(refused -> refused > 0),
                "every kind of write counts against the budget: refusals by kind " + refusedByKind);

        // Typing is not a write: its own throttle drops the extra notices, it is never refused.
        given().auth().oauth2(ann).contentType(ContentType.JSON).post(second.gateway() + "/api/groups/" + group + "/typing")
                .then().statusCode(204);
        assertStillServesOthers();
    }

    @Test
    void fourHundredEditsOfOneMessageGetOneBudget() throws Exception {
        String editorName = Api.unique("editor");
        String editor = first.signUp(editorName);
        String group = Api.unique("edits");
        long started = System.nanoTime();
        first.createGroup(editor, group);
        long id = first.post(editor, group, "draft").getLong("id");

        List<Write> edits = asFastAsPossible(400, n -> new Write("edit " + n, given().auth().oauth2(editor)
                .contentType(ContentType.JSON).body("{\"text\":\"edit " + n + "\"}")
                .patch((n % 2 == 0 ? first : second).gateway() + "/api/groups/" + group + "/messages/" + id)));

        assertTrue(edits.stream().allMatch(edit -> edit.response().statusCode() == 200 || edit.response().statusCode() == 429),
                "each edit is made or refused");
        assertWithinOneBudget(granted(edits) + 2, started, "a group, a post and 400 edits");
        assertRefusalsSayWhenToRetry(edits);
        assertStillServesOthers();
    }

    @Test
    void threeHundredGroupCreationsGetOneBudgetAndARefusedOneCreatesNothing() throws Exception {
        String founder = first.signUp(Api.unique("founder"));
        String prefix = Api.unique("many");
        long started = System.nanoTime();
        List<Write> creations = asFastAsPossible(300, n -> new Write(prefix + "-" + n, given().auth().oauth2(founder)
                .contentType(ContentType.JSON).body("{\"name\":\"" + prefix + "-" + n + "\"}")
                .post((n % 2 == 0 ? first : second).gateway() + "/api/groups")));

        assertTrue(creations.stream().allMatch(c -> c.response().statusCode() == 201 || c.response().statusCode() == 429),
                "each creation is made or refused");
        assertWithinOneBudget(granted(creations), started, "300 group creations");
        assertRefusalsSayWhenToRetry(creations);
        List<String> refused = creations.stream().filter(c -> c.response().statusCode() == 429).map(Write::kind).toList();
        List<Write> lookups = asFastAsPossible(refused.size(), n -> new Write(refused.get(n),
                given().auth().oauth2(founder).get(second.gateway() + "/api/groups/" + refused.get(n))));
        for (Write lookup : lookups) {
            assertEquals(404, lookup.response().statusCode(), "a refused creation made no group " + lookup.kind());
        }
        assertStillServesOthers();
    }

    private static Response post(Api through, String token, String group, String text) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"text\":\"" + text + "\"}")
                .post(through.gateway() + "/api/groups/" + group + "/messages");
    }

    /** Every service ready; an innocent member's post is 201 and reaches a peer's stream within a second. */
    private static void assertStillServesOthers() throws Exception {
        for (String service : List.of("user-service", "dm-service", "history-service", "group-gateway", "group-gateway-2")) {
            given().get(cluster.url(service) + "/q/health/ready").then().statusCode(200);
        }
        String innocent = second.signUp(Api.unique("innocent"));
        String peer = second.signUp(Api.unique("peer"));
        String group = Api.unique("calm");
        second.createGroup(innocent, group);
        first.join(peer, group);
        try (SseClient stream = first.groupStream(peer, group, "")) {
            JsonPath posted = second.post(innocent, group, "still here");
            SseClient.Event event = stream.next(Duration.ofSeconds(1));
            assertEquals(posted.getLong("id"), JsonPath.from(event.data()).getLong("id"));
        }
    }
}
