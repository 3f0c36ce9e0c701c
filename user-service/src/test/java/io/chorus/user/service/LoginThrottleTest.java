package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(5), 1000, true);
    private final Supplier<String> wrong = () -> {
        throw ProblemException.unauthorized("wrong name or password");
    };
    private final Supplier<String> right = () -> "token";

    @Test
    void afterFiveFailuresEvenTheRightPasswordGets429() {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, assertThrows(ProblemException.class, () -> throttle.attempt("Ann", "10.0.0.1", wrong)).status());
        }
        ProblemException refused = assertThrows(ProblemException.class, () -> throttle.attempt("ann", "10.0.0.1", right));
        assertEquals(429, refused.status());
        assertEquals(300, refused.retryAfterSeconds(), "until the window of the first failure ends");
        assertEquals("token", throttle.attempt("ann", "10.0.0.2", right), "another address is not locked out");
        assertEquals("token", throttle.attempt("bob", "10.0.0.1", right), "nor another name");
    }

    @Test
    void successesAndOtherRefusalsDoNotCount() {
        for (int i = 0; i < 20; i++) {
            assertEquals("token", throttle.attempt("ann", "10.0.0.1", right));
        }
        Supplier<String> unavailable = () -> {
            throw ProblemException.unavailable("storage away");
        };
        for (int i = 0; i < 10; i++) {
            assertEquals(503, assertThrows(ProblemException.class, () -> throttle.attempt("ann", "10.0.0.1", unavailable)).status());
        }
        assertEquals("token", throttle.attempt("ann", "10.0.0.1", right));
    }

    /**
     * Sixty guesses at the same moment, each held inside its password check until every one was
     * either let in or refused: no more than five were checked, the rest refused without a check.
     */
    @Test
    void concurrentGuessesAreCountedBeforeTheirPasswordsAreChecked() throws Exception {
        AtomicInteger checked = new AtomicInteger();
        CountDownLatch letInOrRefused = new CountDownLatch(60);
        CountDownLatch decided = new CountDownLatch(1);
        Supplier<String> slowWrong = () -> {
            checked.incrementAndGet();
            letInOrRefused.countDown();
            try {
                decided.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw ProblemException.unauthorized("wrong name or password");
        };
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService guessers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 60; i++) {
                statuses.add(guessers.submit(() -> {
                    try {
                        throttle.attempt("ann", "10.0.0.1", slowWrong);
                        return 200;
                    } catch (ProblemException e) {
                        if (e.status() == 429) {
                            letInOrRefused.countDown();
                        }
                        return e.status();
                    }
                }));
            }
            assertTrue(letInOrRefused.await(10, TimeUnit.SECONDS), "every guess let in or refused");
            decided.countDown();
        }
        List<Integer> answers = new ArrayList<>();
        for (Future<Integer> status : statuses) {
            answers.add(status.get());
        }
        assertEquals(5, checked.get(), "five passwords checked: " + answers);
        assertEquals(5, answers.stream().filter(status -> status == 401).count());
        assertEquals(55, answers.stream().filter(status -> status == 429).count());
        assertEquals(429, assertThrows(ProblemException.class, () -> throttle.attempt("ann", "10.0.0.1", right)).status(),
                "and the right password is refused for the rest of the window");
    }

    @Test
    void aRightPasswordGivesItsPlaceBackSoFiveWrongOnesAreStillChecked() {
        for (int i = 0; i < 3; i++) {
            assertEquals("token", throttle.attempt("ann", "10.0.0.1", right));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(401, assertThrows(ProblemException.class, () -> throttle.attempt("ann", "10.0.0.1", wrong)).status());
        }
        assertEquals(429, assertThrows(ProblemException.class, () -> throttle.attempt("ann", "10.0.0.1", wrong)).status());
    }

    @Test
    void offLetsEveryAttemptThrough() {
        LoginThrottle off = new LoginThrottle(5, Duration.ofMinutes(5), 1000, false);
        for (int i = 0; i < 10; i++) {
            assertThrows(ProblemException.class, () -> off.attempt("ann", "10.0.0.1", wrong));
        }
        assertEquals("token", off.attempt("ann", "10.0.0.1", right));
    }
}
