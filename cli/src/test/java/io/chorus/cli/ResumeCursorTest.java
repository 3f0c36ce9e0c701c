package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResumeCursorTest {

    @Test
    void startsFromNowWithoutAnId() {
        ResumeCursor cursor = ResumeCursor.fromNow();
        assertNull(cursor.lastEventId());
        assertTrue(cursor.advance("5-2"));
        assertEquals("5-2", cursor.lastEventId());
    }

    @Test
    void advancesOnEitherLog() {
        ResumeCursor cursor = new ResumeCursor("10-3");
        assertTrue(cursor.advance("11-3"));
        assertTrue(cursor.advance("11-4"));
        assertEquals("11-4", cursor.lastEventId());
    }

    @Test
    void refusesEventsAtOrBehindTheCursor() {
        ResumeCursor cursor = new ResumeCursor("10-3");
        assertFalse(cursor.advance("10-3"));
        assertFalse(cursor.advance("9-3"));
        assertFalse(cursor.advance("10-2"));
        assertEquals("10-3", cursor.lastEventId());
    }

    @Test
    void handlesGroupStreamIds() {
        ResumeCursor cursor = new ResumeCursor("41");
        assertFalse(cursor.advance("41"));
        assertTrue(cursor.advance("42"));
        assertEquals("42", cursor.lastEventId());
    }

    @Test
    void passesUnknownIdsBackUnchanged() {
        ResumeCursor cursor = ResumeCursor.fromNow();
        assertTrue(cursor.advance("opaque:abc"));
        assertEquals("opaque:abc", cursor.lastEventId());
    }

    @Test
    void acceptsEventsWithoutId() {
        ResumeCursor cursor = new ResumeCursor("3-3");
        assertTrue(cursor.advance(null));
        assertEquals("3-3", cursor.lastEventId());
    }
}
