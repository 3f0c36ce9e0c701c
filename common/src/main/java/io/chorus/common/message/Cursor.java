package io.chorus.common.message;

import io.chorus.common.error.ProblemException;

/** Message ids are positions in a log (positive, contiguous); {@code before}/{@code after} take them. */
public final class Cursor {

    private Cursor() {
    }

    /** Parses an optional position parameter; null when absent. */
    public static Long parseOrNull(String raw, String parameter) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            long position = Long.parseLong(raw.trim());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // Same answer as a negative number.
        }
        throw ProblemException.invalid(parameter + " must be a message id (a whole number >= 0)");
    }

    /** The {@code upTo} of a read marker's body: a message id, 0 or more; 400 otherwise (absent included). */
    public static long upTo(Long upTo) {
        if (upTo == null || upTo < 0) {
            throw ProblemException.invalid("upTo must be a message id (a whole number >= 0)");
        }
        return upTo;
    }

    /** A message id from a path ({@code /messages/{id}}): anything but a position names no message, 404. */
    public static long messageId(String raw) {
        try {
            long id = Long.parseLong(raw.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // Same answer as an id nothing has.
        }
        throw ProblemException.notFound("no message with id '" + raw + "': ids are whole numbers above 0");
    }
}
