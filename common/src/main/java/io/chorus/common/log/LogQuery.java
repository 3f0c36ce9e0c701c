package io.chorus.common.log;

import io.chorus.common.error.ProblemException;
import io.chorus.common.message.Cursor;
import io.chorus.common.paging.PageLimit;

/**
 * A read of the internal log API, checked the same way for both logs: {@code after} a position
 * (0 when absent), at most {@code limit} entries (50 unless given, at most 1000), and either a
 * filter (the log's own: groups, a user) or {@code all=true}, never neither.
 */
public record LogQuery(long after, int limit, boolean all) {

    /** @param filterName the log's filter parameter, named in the error when it is missing */
    public static LogQuery parse(String after, String limit, boolean all, boolean filtered, String filterName) {
        Long position = Cursor.parseOrNull(after, "after");
        int pageLimit = PageLimit.parse(limit);
        if (!all && !filtered) {
            throw ProblemException.invalid("name a " + filterName + ", or ask for all=true");
        }
        return new LogQuery(position == null ? 0 : position, pageLimit, all);
    }
}
