package io.chorus.common.limits;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Every write a user makes (SPEC Limits: posts and DMs, edits, deletes, group creation, joins and
 * leaves, read markers) takes one permit here first, on whichever service and replica it
 * arrived: the budget itself is user-service's ({@link WriteBudgetClient}), one per user for the
 * whole deployment. A refused write gets 429 with Retry-After before anything is changed.
 *
 * <p>When user-service cannot answer, this process decides alone for {@code local-for} with a
 * budget of the same size ({@link KeyedRateLimiter}) and then asks again: writes go on at the
 * configured rate per process (N replicas then allow up to N times the budget, for as long as the
 * outage lasts) rather than all failing with user-service or all passing unbounded. The switch to
 * the local budget is logged once, and so is the return. See docs/security.md.
 */
@Singleton
public class SharedWriteBudget {

    private static final Logger LOG = Logger.getLogger(SharedWriteBudget.class);

    private final WriteBudgetClient users;
    private final KeyedRateLimiter local;
    private final boolean enabled;
    private final long localForNanos;
    private final LongSupplier nanoTime;
    /** Until when (System.nanoTime) the local budget decides alone; 0 while user-service answers. */
    private final AtomicLong localUntil = new AtomicLong();

    @Inject
    public SharedWriteBudget(@RestClient WriteBudgetClient users, RateLimitsConfig config, LimitsSwitch limits) {
        this(users, config, limits, System::nanoTime);
    }

    SharedWriteBudget(WriteBudgetClient users, RateLimitsConfig config, LimitsSwitch limits, LongSupplier nanoTime) {
        RateLimitsConfig.Writes writes = config.writes();
        this.users = users;
        this.local = new KeyedRateLimiter("writes", writes.burst(), writes.period(), config.maxKeys(), nanoTime);
        this.enabled = limits.perUserLimits();
        this.localForNanos = writes.localFor().toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether writes are counted at all (per-user limits on); when not, {@link #take} returns at once. */
    public boolean counts() {
        return enabled;
    }

    /** Takes one write from the user's budget, or refuses with 429 and Retry-After. Blocking: virtual threads only. */
    public void take(String user) {
        if (!enabled) {
            return;
        }
        WritePermit permit = remoteOrNull(user);
        if (permit == null) {
            permit = takeLocally(NameRule.key(user));
        }
        if (!permit.granted()) {
            throw ProblemException.tooManyRequests("you are writing too fast; retry after the Retry-After seconds",
                    permit.retryAfterSeconds());
        }
    }

    /** user-service's answer, or null while it cannot give one. */
    private WritePermit remoteOrNull(String user) {
        long until = localUntil.get();
        if (until != 0 && nanoTime.getAsLong() - until < 0) {
            return null;
        }
        try {
            WritePermit permit = users.take(user);
            if (until != 0 && localUntil.compareAndSet(until, 0)) {
                LOG.info("user-service answers again: writes are counted against the one budget per user");
            }
            return permit;
        } catch (RuntimeException unreachable) {
            // Any failure (connection refused, timeout, 5xx, a 401 from a credential mismatch):
            // the write is not the caller's fault, so it is judged here rather than refused.
            if (localUntil.getAndSet(nanoTime.getAsLong() + localForNanos) == 0) {
                LOG.warnf("user-service cannot take from write budgets (%s); this process counts writes alone "
                        + "until it answers again", unreachable.toString());
            }
            return null;
        }
    }

    private WritePermit takeLocally(String key) {
        return local.tryAcquire(key) ? WritePermit.GRANTED : WritePermit.refused(local.retryAfterSeconds(key));
    }
}
