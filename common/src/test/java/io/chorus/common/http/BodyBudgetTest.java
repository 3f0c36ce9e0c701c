package io.chorus.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    @Test
    void oneSenderHoldsAtMostItsShareAndOthersKeepTheirRoom() {
        BodyBudget budget = new BodyBudget(10_000, 3_000);
        for (int i = 0; i < 3; i++) {
            assertNotNull(budget.take("user:mallory", 1_000).taken());
        }
        assertEquals(BodyBudget.Refusal.SENDER_FULL, budget.take("user:mallory", 1_000).refusal());
        assertNotNull(budget.take("user:alice", 1_000).taken(), "mallory's stalled bodies leave alice room");
        assertEquals(4_000, budget.used());
    }

    @Test
    void theProcessHoldsAtMostItsBudgetAndEveryBodyGivesItsBytesBackOnce() {
        BodyBudget budget = new BodyBudget(2_000, 2_000);
        BodyBudget.Taken first = budget.take(null, 1_500).taken();
        assertEquals(BodyBudget.Refusal.PROCESS_FULL, budget.take("user:bob", 1_000).refusal());
        first.giveBack();
        first.giveBack();
        assertEquals(0, budget.used(), "given back once, however often its end is reported");
        BodyBudget.Taken bob = budget.take("user:bob", 2_000).taken();
        assertNotNull(bob);
        bob.giveBack();
        assertEquals(0, budget.senders(), "a sender with nothing held is forgotten");
    }
}
