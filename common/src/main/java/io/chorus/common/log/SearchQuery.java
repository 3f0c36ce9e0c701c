package io.chorus.common.log;

import io.chorus.common.error.ProblemException;

/**
 * The {@code q} of a history page: words that must all occur in a message (PostgreSQL full-text
 * search over the log's {@code search} column, which each log keeps from its text). Absent means
 * no search; present, it must hold something to look for.
 */
public final class SearchQuery {

    /** Longer than any message could need, short enough to keep the query plan cheap. */
    public static final int MAX_LENGTH = 500;

    private SearchQuery() {
    }

    /** The filter for {@code q}, or null when there is no {@code q}. */
    public static LogFilter filterOrNull(String q) {
        if (q == null) {
            return null;
        }
        String words = q.strip();
        if (words.isEmpty()) {
            throw ProblemException.invalid("q must hold at least one word to search for");
        }
        if (words.length() > MAX_LENGTH) {
            throw ProblemException.invalid("q must be at most " + MAX_LENGTH + " characters");
        }
        if (words.indexOf('\u0000') >= 0) {
            throw ProblemException.invalid("q must not contain NUL characters");
        }
        // plainto_tsquery ANDs the words and ignores punctuation: no query syntax to get wrong.
        return LogFilter.where("search @@ plainto_tsquery('simple', ?)", words);
    }
}
