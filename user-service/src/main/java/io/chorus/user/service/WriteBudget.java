package io.chorus.user.service;

import io.chorus.common.limits.WritePermit;
import io.chorus.common.naming.NameRule;
import io.chorus.user.repository.WriteBudgetRepository;

/** Takes one write from a user's budget, at the rate configured here (common RateLimitsConfig.Writes). */
public final class WriteBudget {

    private final WriteBudgetRepository budgets;
    private final CellRate rate;

    public WriteBudget(WriteBudgetRepository budgets, CellRate rate) {
        this.budgets = budgets;
        this.rate = rate;
    }

    public WritePermit take(String user) {
        return budgets.take(NameRule.key(user), rate);
    }
}
