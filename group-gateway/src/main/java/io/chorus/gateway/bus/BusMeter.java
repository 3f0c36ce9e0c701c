package io.chorus.gateway.bus;

/** What the bus counts: Micrometer counters in the gateway (docs/operations.md), a record in tests. */
public interface BusMeter {

    BusMeter NONE = new BusMeter() {
        @Override
        public void passed(String kind) {
        }

        @Override
        public void refused(String reason) {
        }
    };

    /** A message the proxy passed on, by kind (its topic up to '/'). */
    void passed(String kind);

    /**
     * A message the bus dropped for what it was, by reason: {@code topic} (its key may not
     * publish there), {@code frames} (not [topic][payload]), {@code payload} (not what its topic
     * carries).
     */
    void refused(String reason);
}
