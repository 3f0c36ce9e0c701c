package io.chorus.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a live stream stands, to resume it with Last-Event-ID after a dropped connection. Event
 * ids are log positions: "1234" on a group stream, "1234-56" (group log, DM log) on
 * /api/events. The server already resumes without duplicates; the client also refuses an event
 * that is not past its cursor, so a replay overlapping what was printed cannot print it twice.
 */
final class ResumeCursor {

    private static final Pattern POSITIONS = Pattern.compile("(\\d{1,18})(?:-(\\d{1,18}))?");

    private String lastEventId;
    private long group = -1;
    private long dm = -1;

    ResumeCursor(String lastEventId) {
        if (lastEventId != null) {
            this.lastEventId = lastEventId;
            Matcher positions = POSITIONS.matcher(lastEventId);
            if (positions.matches()) {
                group = Long.parseLong(positions.group(1));
                dm = positions.group(2) == null ? -1 : Long.parseLong(positions.group(2));
            }
        }
    }

    static ResumeCursor fromNow() {
        return new ResumeCursor(null);
    }

    /** The value for Last-Event-ID, or null to start from now. */
    String lastEventId() {
        return lastEventId;
    }

    /** Moves past the event and says whether it is new; an event at or behind the cursor is a repeat. */
    boolean advance(String eventId) {
        if (eventId == null || eventId.isEmpty()) {
            return true;
        }
        Matcher positions = POSITIONS.matcher(eventId);
        if (!positions.matches()) {
            // An id this client does not understand: pass it back to the server as it is.
            lastEventId = eventId;
            return true;
        }
        long newGroup = Long.parseLong(positions.group(1));
        long newDm = positions.group(2) == null ? -1 : Long.parseLong(positions.group(2));
        // Every event moves exactly one of the logs forward; if neither moved, it was delivered already.
        boolean fresh = newGroup > group || newDm > dm;
        if (fresh) {
            group = Math.max(group, newGroup);
            dm = Math.max(dm, newDm);
            lastEventId = dm < 0 ? Long.toString(group) : group + "-" + dm;
        }
        return fresh;
    }
}
