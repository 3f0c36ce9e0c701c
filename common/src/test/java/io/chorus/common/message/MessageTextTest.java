package io.chorus.common.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chorus.common.error.ProblemException;
import org.junit.jupiter.api.Test;

class MessageTextTest {

    @Test
    void trimsAndKeepsTheText() {
        assertEquals("hello there", MessageText.require("  hello there \n"));
    }

    @Test
    void refusesEmptyAndBlankText() {
        assertThrows(ProblemException.class, () -> MessageText.require(null));
        assertThrows(ProblemException.class, () -> MessageText.require(""));
        assertThrows(ProblemException.class, () -> MessageText.require(" \t\n "));
    }

    @Test
    void countsCharactersNotBytesAndRefusesRatherThanTruncates() {
        assertEquals(4096, MessageText.require("😀".repeat(4096)).codePointCount(0, 4096 * 2));
        ProblemException tooLong = assertThrows(ProblemException.class, () -> MessageText.require("x".repeat(4097)));
        assertEquals(400, tooLong.status());
    }

    @Test
    void refusesWhatTheStoreCannotHoldRatherThanChangingIt() {
        // NUL fails a PostgreSQL insert (and with it a whole commit batch); an unpaired surrogate
        // would be stored as '?'. Both are refused; a proper pair (an emoji) is text.
        for (String bad : new String[] {"a\u0000b", "\u0000", "x\ud800", "\udfff\ud800", "\ud83d"}) {
            ProblemException refused = assertThrows(ProblemException.class, () -> MessageText.require(bad));
            assertEquals(400, refused.status());
        }
        assertEquals("\ud83d\ude00 e\u0301 \u202e", MessageText.require("\ud83d\ude00 e\u0301 \u202e"));
    }

    @Test
    void clientIdsAreShortVisibleAscii() {
        assertEquals("abc-123", ClientId.requireValidOrNull("abc-123"));
        assertEquals(null, ClientId.requireValidOrNull(null));
        assertThrows(ProblemException.class, () -> ClientId.requireValidOrNull(""));
        assertThrows(ProblemException.class, () -> ClientId.requireValidOrNull("has space"));
        assertThrows(ProblemException.class, () -> ClientId.requireValidOrNull("x".repeat(65)));
    }

    @Test
    void cursorsAreNonNegativeWholeNumbers() {
        assertEquals(42L, Cursor.parseOrNull("42", "after"));
        assertEquals(null, Cursor.parseOrNull(null, "after"));
        assertThrows(ProblemException.class, () -> Cursor.parseOrNull("-1", "after"));
        assertThrows(ProblemException.class, () -> Cursor.parseOrNull("abc", "after"));
    }
}
