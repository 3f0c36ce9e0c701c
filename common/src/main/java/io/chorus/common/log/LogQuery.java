package io.chorus.common.log;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.Cursor;
import io.chorus.common.paging.PageLimit;

/**
 * A read of the internal log API, checked the same way for both logs: {@code after} a position
 * (0 when absent), at most {@code limit} entries (50 unless given, at most 1000), optionally at
 * most about {@code bytes} of text (a resuming stream's replay reads pages sized in bytes, so a
 * page of the largest messages costs the gateway what a page of short ones does), and either a
 * filter (the log's own: groups, a user) or {@code all=true}, never neither.
 *
 * @param bytes 0 for no byte bound
 */
public record LogQuery(long after, int limit, int bytes, boolean all) {

    /** @param filterName the log's filter parameter, named in the error when it is missing */
    public static LogQuery parse(String after, String limit, boolean all, boolean filtered, String filterName) {
        return parse(after, limit, null, all, filtered, filterName);
    }

    /** @param bytes the text a page may hold, at least 1 (absent: no bound) */
    public static LogQuery parse(String after, String limit, String bytes, boolean all, boolean filtered, String filterName) {
        Long position = Cursor.parseOrNull(after, "after");
        int pageLimit = PageLimit.parse(limit);
        int pageBytes = bytes == null || bytes.isBlank() ? 0 : parseBytes(bytes);
        if (!all && !filtered) {
            throw ProblemException.invalid("name a " + filterName + ", or ask for all=true");
        }
        return new LogQuery(position == null ? 0 : position, pageLimit, pageBytes, all);
    }

    private static int parseBytes(String raw) {
        try {
            int bytes = Integer.parseInt(raw.trim());
            if (bytes >= 1) {
                return bytes;
            }
        } catch (NumberFormatException e) {
            // Falls through to the same message as an out-of-range number.
        }
        throw ProblemException.invalid("bytes must be a whole number from 1 to " + Integer.MAX_VALUE);
    }
}
