package io.chorus.common.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A condition on a log's rows, with its parameters in order, for {@link LogStore}'s reads.
 * Conditions are SQL written by the log's own code, never by callers: values go in parameters
 * (a String[] binds as a PostgreSQL text array, for {@code = ANY (?)}).
 */
public record LogFilter(String condition, List<Object> parameters) {

    /** Every entry of the log. */
    public static final LogFilter ALL = new LogFilter("TRUE", List.of());

    public LogFilter {
        // Not List.copyOf: a parameter may be null (SQL NULL).
        parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
    }

    public static LogFilter where(String condition, Object... parameters) {
        return new LogFilter(condition, Arrays.asList(parameters));
    }

    public LogFilter and(LogFilter other) {
        List<Object> both = new ArrayList<>(parameters);
        both.addAll(other.parameters);
        return new LogFilter("(" + condition + ") AND (" + other.condition + ")", both);
    }
}
