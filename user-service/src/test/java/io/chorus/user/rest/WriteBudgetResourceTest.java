package io.chorus.user.rest;

import static io.chorus.testing.InternalCalls.internal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.limits.WritePermit;
import io.chorus.testing.ChorusTestResource;
import io.chorus.user.repository.WriteBudgetRepository;
import io.chorus.user.service.CellRate;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The write budget against real PostgreSQL, with SPEC's defaults: bursts of 100, 20 a second. */
@QuarkusTest
@QuarkusTestResource(value = ChorusTestResource.class, initArgs = @ResourceArg(name = "service", value = "users"))
class WriteBudgetResourceTest {

    @Inject
    WriteBudgetRepository budgets;

    private static String uniqueName(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WritePermit take(String user) {
        return internal().contentType(ContentType.JSON).post("/internal/write-budget/" + user)
                .then().statusCode(200).extract().as(WritePermit.class);
    }

    /** {@code takes} calls of {@code take} from 8 threads at once; their answers. */
    private static List<WritePermit> concurrently(int takes, Callable<WritePermit> take) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<WritePermit>> answers = new ArrayList<>();
            for (int i = 0; i < takes; i++) {
                answers.add(threads.submit(take));
            }
            List<WritePermit> permits = new ArrayList<>();
            for (Future<WritePermit> answer : answers) {
                permits.add(answer.get(30, TimeUnit.SECONDS));
            }
            return permits;
        } finally {
            threads.shutdownNow();
        }
    }

    private static long granted(List<WritePermit> permits) {
        return permits.stream().filter(WritePermit::granted).count();
    }

    @Test
    void concurrentTakesForOneUserAreCountedExactly() throws Exception {
        // One write a second with bursts of 100: unless a whole second passes, exactly 100 of
        // 200 concurrent takes are granted, whatever the interleaving.
        String user = uniqueName("racer");
        long started = System.nanoTime();
        List<WritePermit> permits = concurrently(200, () -> budgets.take(user, CellRate.of(1, 100)));
        long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertEquals(100 + elapsedSeconds, granted(permits), "granted after " + elapsedSeconds + " s");
    }

    @Test
    void theBurstIsAHundredThenAboutTwentyASecondAndOthersAreUnaffected() throws Exception {
        String ann = uniqueName("ann");
        long started = System.nanoTime();
        List<WritePermit> burst = concurrently(200, () -> take(ann));
        double elapsed = (System.nanoTime() - started) / 1e9;
        long grantedInBurst = granted(burst);
        assertTrue(grantedInBurst >= 100 && grantedInBurst <= 100 + Math.ceil(20 * elapsed) + 1,
                grantedInBurst + " of 200 granted in " + elapsed + " s");
        for (WritePermit refused : burst.stream().filter(permit -> !permit.granted()).toList()) {
            assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 5,
                    "Retry-After " + refused.retryAfterSeconds());
        }

        String bob = uniqueName("bob");
        assertEquals(100, granted(concurrently(100, () -> take(bob))), "another user has a budget of their own");

        // Sustained: from an empty budget (what bob's takes gave ann time to refill spent first),
        // taking as fast as possible for a second and a half grants about 20 a second.
        while (take(ann).granted()) {
            // spending what refilled
        }
        long from = System.nanoTime();
        long sustained = 0;
        while (System.nanoTime() - from < 1_500_000_000L) {
            sustained += take(ann).granted() ? 1 : 0;
        }
        double window = (System.nanoTime() - from) / 1e9;
        assertTrue(sustained >= 20 * window - 8 && sustained <= 20 * window + 2,
                sustained + " granted in " + window + " s");
    }

    @Test
    void answersOnlyTheServicesOfThisDeployment() {
        RestAssured.given().contentType(ContentType.JSON).post("/internal/write-budget/" + uniqueName("ann")).then().statusCode(401);
        internal("not-the-credential-not-the-credential-x").contentType(ContentType.JSON).post("/internal/write-budget/" + uniqueName("ann"))
                .then().statusCode(401);
    }

    @Test
    void refusesWhatIsNoUserName() {
        internal().contentType(ContentType.JSON).post("/internal/write-budget/no%20name").then().statusCode(400);
    }
}
