package io.chorus.common.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import jakarta.ws.rs.ProcessingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedWriteBudgetTest {

    /** SPEC's defaults: bursts of 100, 20 a second; a second on the local budget after a failure. */
    static final RateLimitsConfig DEFAULTS = new RateLimitsConfig() {
        @Override
        public Writes writes() {
            return new Writes() {
                @Override
                public int burst() {
                    return 100;
                }

                @Override
                public int perSecond() {
                    return 20;
                }

                @Override
                public Duration localFor() {
                    return Duration.ofSeconds(1);
                }
            };
        }

        @Override
        public Logins logins() {
            throw new UnsupportedOperationException("not used by writes");
        }

        @Override
        public Registrations registrations() {
            throw new UnsupportedOperationException("not used by writes");
        }

        @Override
        public long maxKeys() {
            return 1000;
        }
    };

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> asked = new ArrayList<>();

    @Test
    void userServiceDecidesAndItsRefusalIsA429WithItsRetryAfter() {
        SharedWriteBudget budget = new SharedWriteBudget(user -> {
            asked.add(user);
            return user.equals("ann") ? WritePermit.refused(3) : WritePermit.GRANTED;
        }, DEFAULTS, new LimitsSwitch("on"), now::get);

        budget.take("bob");
        ProblemException refused = assertThrows(ProblemException.class, () -> budget.take("ann"));
        assertEquals(429, refused.status());
        assertEquals(3, refused.retryAfterSeconds());
        assertEquals(List.of("bob", "ann"), asked);
    }

    @Test
    void whileUserServiceIsUnreachableTheLocalBudgetDecidesAndUserServiceIsAskedAgainAfterASecond() {
        SharedWriteBudget budget = new SharedWriteBudget(user -> {
            asked.add(user);
            throw new ProcessingException("connection refused");
        }, DEFAULTS, new LimitsSwitch("on"), now::get);

        for (int write = 0; write < 100; write++) {
            budget.take("Ann");
        }
        ProblemException refused = assertThrows(ProblemException.class, () -> budget.take("ann"));
        assertEquals(429, refused.status());
        assertTrue(refused.retryAfterSeconds() >= 1 && refused.retryAfterSeconds() <= 5);
        budget.take("bob");
        assertEquals(1, asked.size(), "asked once, then the local budget alone for a second");

        now.addAndGet(Duration.ofMillis(1001).toNanos());
        budget.take("bob");
        assertEquals(2, asked.size(), "a second later user-service is asked again");
    }

    @Test
    void userServiceAnsweringAgainTakesOverFromTheLocalBudget() {
        boolean[] reachable = {false};
        SharedWriteBudget budget = new SharedWriteBudget(user -> {
            if (!reachable[0]) {
                throw new ProcessingException("connection refused");
            }
            return WritePermit.GRANTED;
        }, DEFAULTS, new LimitsSwitch("on"), now::get);

        for (int write = 0; write < 100; write++) {
            budget.take("ann");
        }
        assertThrows(ProblemException.class, () -> budget.take("ann"));
        reachable[0] = true;
        now.addAndGet(Duration.ofMillis(1001).toNanos());
        budget.take("ann");
    }

    @Test
    void offTakesNothingAndAsksNobody() {
        SharedWriteBudget budget = new SharedWriteBudget(user -> {
            asked.add(user);
            return WritePermit.refused(1);
        }, DEFAULTS, new LimitsSwitch("OFF"), now::get);
        for (int write = 0; write < 1000; write++) {
            budget.take("ann");
        }
        assertTrue(asked.isEmpty());
    }

    @Test
    void theSwitchTakesOnlyOnOrOff() {
        assertTrue(new LimitsSwitch(" on ").perUserLimits());
        assertFalse(new LimitsSwitch("false").perUserLimits());
        assertThrows(IllegalArgumentException.class, () -> new LimitsSwitch("of"));
    }
}
