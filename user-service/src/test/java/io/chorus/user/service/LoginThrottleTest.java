package io.chorus.user.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chorus.common.error.ProblemException;
import java.time.Duration;
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

    @Test
    void offLetsEveryAttemptThrough() {
        LoginThrottle off = new LoginThrottle(5, Duration.ofMinutes(5), 1000, false);
        for (int i = 0; i < 10; i++) {
            assertThrows(ProblemException.class, () -> off.attempt("ann", "10.0.0.1", wrong));
        }
        assertEquals("token", off.attempt("ann", "10.0.0.1", right));
    }
}
