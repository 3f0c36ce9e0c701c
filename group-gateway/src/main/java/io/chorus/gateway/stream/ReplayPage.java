package io.chorus.gateway.stream;

import java.util.List;

/**
 * One page of a resuming stream's replay, and whether the log may hold more after it. The log
 * cuts a page at {@code limit} entries or once it holds {@code bytes} of text (see
 * {@code LogStore.after}), so a page of fewer entries whose text is surely under the bound is
 * the last. The text's size is over-estimated from the entries' JSON (at most three UTF-8 bytes
 * per UTF-16 unit), never under: a wrong guess costs one more, empty, read, never a gap.
 */
public record ReplayPage(List<LiveEvent> events, boolean more) {

    public static final ReplayPage LAST_EMPTY = new ReplayPage(List.of(), false);

    public static ReplayPage of(List<LiveEvent> events, int limit, int bytes) {
        if (events.isEmpty()) {
            return LAST_EMPTY;
        }
        long upperBound = 0;
        for (LiveEvent event : events) {
            upperBound += 3L * event.json().length();
        }
        return new ReplayPage(events, events.size() >= limit || upperBound >= bytes);
    }

    /** The position the next page starts after (the last entry read, whether shown or not). */
    public long last() {
        return events.getLast().position();
    }
}
