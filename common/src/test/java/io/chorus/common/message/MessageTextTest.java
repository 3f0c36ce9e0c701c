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
    void acceptsTheLongestTextInEveryScriptAndCountsCodePoints() {
        for (String character : new String[] {"x", "\u00e9", "\u20ac", "\u5b57", "\ud83d\ude00"}) {
            String longest = character.repeat(MessageText.MAX_CHARACTERS);
            assertEquals(longest, MessageText.require(longest));
            ProblemException tooLong = assertThrows(ProblemException.class, () -> MessageText.require(longest + character));
            assertEquals("text must be 1 to 4096 characters (Unicode code points) after trimming (it has 4097)",
                    tooLong.getMessage());
        }
        String mixed = "\u00e9\u20ac\u5b57\ud83d\ude00".repeat(MessageText.MAX_CHARACTERS / 4);
        assertEquals(mixed, MessageText.require(mixed));
    }

    @Test
    void refusesControlCharactersButTabLineFeedAndCarriageReturnNamingTheFirst() {
        assertEquals("a\tb\r\nc", MessageText.require("a\tb\r\nc"));
        assertEquals("text must not contain control characters other than tab, line feed and carriage return"
                + " (U+0001 at position 1)", MessageText.problem("\u0001".repeat(4096)));
        // Positions count characters: the emoji before it is one.
        assertEquals("text must not contain control characters other than tab, line feed and carriage return"
                + " (U+001B at position 3)", MessageText.problem("\ud83d\ude00a\u001b[31m"));
        for (String bad : new String[] {"\u007f", "x\u0085", "\u000b", "a\u0000b", "\u009f"}) {
            assertEquals(400, assertThrows(ProblemException.class, () -> MessageText.require(bad)).status(), bad);
        }
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
