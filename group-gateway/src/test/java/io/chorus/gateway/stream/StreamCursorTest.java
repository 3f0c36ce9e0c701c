package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.error.ProblemException;
import org.junit.jupiter.api.Test;

class StreamCursorTest {

    @Test
    void userStreamIdCarriesBothLogs() {
        StreamCursor cursor = StreamCursor.parseUserStream("10-3");
        assertTrue(cursor.advance(new LiveEvent(LiveEvent.Log.DM, "direct-message", 4, null, "a", "b", "{}")));
        assertTrue(cursor.advance(new LiveEvent(LiveEvent.Log.GROUP, "group-message", 12, "g", "a", null, "{}")));
        assertEquals("12-4", cursor.userStreamId());
        assertFalse(cursor.advance(new LiveEvent(LiveEvent.Log.GROUP, "group-message", 12, "g", "a", null, "{}")), "no repeats");
    }

    @Test
    void refusesMalformedCursors() {
        assertThrows(ProblemException.class, () -> StreamCursor.parseGroupStream("abc"));
        assertThrows(ProblemException.class, () -> StreamCursor.parseGroupStream("1-2"));
        assertThrows(ProblemException.class, () -> StreamCursor.parseUserStream("12"));
        assertEquals(7, StreamCursor.parseGroupStream(" 7 ").group());
    }
}
