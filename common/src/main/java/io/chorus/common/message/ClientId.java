package io.chorus.common.message;

import io.chorus.common.error.ProblemException;
import java.util.regex.Pattern;

/**
 * A client's own id for a message it sends, so that a retry after a lost response returns the
 * first message instead of posting a copy. Optional; when given, 1 to 64 visible ASCII characters.
 */
public final class ClientId {

    private static final Pattern PATTERN = Pattern.compile("[\\x21-\\x7E]{1,64}");

    private ClientId() {
    }

    public static String requireValidOrNull(String clientId) {
        if (clientId == null) {
            return null;
        }
        if (!PATTERN.matcher(clientId).matches()) {
            throw ProblemException.invalid("clientId must be 1 to 64 visible ASCII characters");
        }
        return clientId;
    }
}
