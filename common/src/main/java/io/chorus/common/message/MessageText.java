package io.chorus.common.message;

import io.chorus.common.error.ProblemException;
import java.nio.charset.StandardCharsets;

/** SPEC's rule for message text, the same for group messages and DMs. */
public final class MessageText {

    public static final int MAX_CHARACTERS = 4096;

    private MessageText() {
    }

    /** The text as stored: trimmed, 1 to 4,096 characters (Unicode code points); never truncated. */
    public static String require(String text) {
        if (text == null) {
            throw ProblemException.invalid("text is required");
        }
        if (text.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold U+0000: refused here, it would fail the whole commit batch.
            throw ProblemException.invalid("text must not contain the NUL character (U+0000)");
        }
        // UTF-8 cannot encode an unpaired surrogate: the store would keep '?' instead.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
            throw ProblemException.invalid("text must be valid Unicode: it has an unpaired surrogate (a broken \\u escape)");
        }
        String trimmed = text.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (length < 1 || length > MAX_CHARACTERS) {
            throw ProblemException.invalid("text must be 1 to " + MAX_CHARACTERS
                    + " characters after trimming (it has " + length + ")");
        }
        return trimmed;
    }
}
