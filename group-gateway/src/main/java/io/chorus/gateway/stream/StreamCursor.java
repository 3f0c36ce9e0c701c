package io.chorus.gateway.stream;

import io.chorus.common.error.ProblemException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a stream stands: the last group-log id and DM-log id it delivered. A group stream's
 * event id is its group-log id ("1234"); the everything-stream's is both ("1234-56"), so one
 * Last-Event-ID resumes both logs. Mutable: one per connection, touched by one thread at a time.
 */
public final class StreamCursor {

    private static final Pattern GROUP_ONLY = Pattern.compile("\\d{1,18}");
    private static final Pattern BOTH = Pattern.compile("(\\d{1,18})-(\\d{1,18})");

    private long group;
    private long dm;

    public StreamCursor(long group, long dm) {
        this.group = group;
        this.dm = dm;
    }

    public static StreamCursor parseGroupStream(String raw) {
        if (!GROUP_ONLY.matcher(raw.trim()).matches()) {
            throw ProblemException.invalid("Last-Event-ID of a group stream is a message id, like 1234");
        }
        return new StreamCursor(Long.parseLong(raw.trim()), 0);
    }

    public static StreamCursor parseUserStream(String raw) {
        Matcher matcher = BOTH.matcher(raw.trim());
        if (!matcher.matches()) {
            throw ProblemException.invalid("Last-Event-ID of /api/events looks like 1234-56 (group id-DM id)");
        }
        return new StreamCursor(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)));
    }

    public long group() {
        return group;
    }

    public long dm() {
        return dm;
    }

    /** Moves past the event; false if the event is not past the cursor (already delivered). */
    public boolean advance(LiveEvent event) {
        if (event.log() == LiveEvent.Log.GROUP) {
            if (event.position() <= group) {
                return false;
            }
            group = event.position();
        } else {
            if (event.position() <= dm) {
                return false;
            }
            dm = event.position();
        }
        return true;
    }

    public String groupStreamId() {
        return Long.toString(group);
    }

    public String userStreamId() {
        return group + "-" + dm;
    }
}
