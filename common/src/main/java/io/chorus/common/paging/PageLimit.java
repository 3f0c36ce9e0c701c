package io.chorus.common.paging;

import io.chorus.common.error.ProblemException;

/**
 * The {@code limit} query parameter of every paged list. Taken as text, not Integer, because
 * JAX-RS answers a failed query-parameter conversion with 404, and "limit=abc" is a 400.
 */
public final class PageLimit {

    /** The page size of the message lists and log reads when none is asked for, and their largest. */
    public static final int DEFAULT = 50;
    public static final int MAX = 1000;

    private PageLimit() {
    }

    /** A message list's or log read's limit: {@link #DEFAULT} unless given, at most {@link #MAX}. */
    public static int parse(String raw) {
        return parse(raw, DEFAULT, MAX);
    }

    public static int parse(String raw, int defaultLimit, int maxLimit) {
        if (raw == null || raw.isBlank()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same message as an out-of-range number.
        }
        throw ProblemException.invalid("limit must be a whole number from 1 to " + maxLimit);
    }
}
