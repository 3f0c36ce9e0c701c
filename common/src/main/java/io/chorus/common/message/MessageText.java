package io.chorus.common.message;

import io.chorus.common.error.ProblemException;
import java.nio.charset.StandardCharsets;

/**
 * SPEC's rule for message text, the same for group messages and DMs, posts and edits: 1 to 4,096
 * characters (Unicode code points, not UTF-16 units or bytes) after trimming, in any script; no
 * control characters but tab, line feed and carriage return. Public requests declare it with
 * {@link ChatText}; the internal endpoints check it again with {@link #require}.
 */
public final class MessageText {

    public static final int MAX_CHARACTERS = 4096;

    private MessageText() {
    }

    /** The text as stored: trimmed, 1 to 4,096 characters (Unicode code points); never truncated. */
    public static String require(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw ProblemException.invalid(problem);
        }
        return trimmed(text);
    }

    /** The text as it is stored, once {@link #problem} found nothing wrong with it. */
    public static String trimmed(String text) {
        return text.strip();
    }

    /** What is wrong with the text, in words a client can act on; null when it is valid. */
    public static String problem(String text) {
        if (text == null) {
            return "text is required";
        }
        String control = controlCharacter(text);
        if (control != null) {
            // NUL above all: PostgreSQL text cannot hold it, and it would fail a whole commit batch.
            return "text must not contain control characters other than tab, line feed and carriage return ("
                    + control + ")";
        }
        // UTF-8 cannot encode an unpaired surrogate: the store would keep '?' instead.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            return "text must be valid Unicode: it has an unpaired surrogate (a broken \\u escape)";
        }
        String trimmed = trimmed(text);
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length < 1 || length > MAX_CHARACTERS) {
            return "text must be 1 to " + MAX_CHARACTERS + " characters (Unicode code points) after trimming (it has "
                    + length + ")";
        }
        return null;
    }

    /** The first control character (Unicode category Cc) other than tab, LF, CR, and its 1-based position. */
    private static String controlCharacter(String text) {
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            position++;
            if (Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r') {
                return String.format("U+%04X at position %d", c, position);
            }
            i += Character.charCount(c);
        }
        return null;
    }
}
