package io.chorus.cli;

/**
 * A failure that ends a command with a documented exit code, so scripts can tell "the server
 * said no" (1) from "you called me wrong" (2) from "nothing answered" (3).
 */
final class ChorusException extends RuntimeException {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;

    private final int exitCode;
    private final int status;

    private ChorusException(int exitCode, int status, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.status = status;
    }

    /** The service answered with an error status; the message is its problem+json detail. */
    static ChorusException refused(int status, String detail) {
        return new ChorusException(REFUSED, status, detail, null);
    }

    /** Refused before asking a server, for the same reasons a server would (no session, say). */
    static ChorusException refused(String message) {
        return new ChorusException(REFUSED, 0, message, null);
    }

    static ChorusException usage(String message) {
        return new ChorusException(USAGE, 0, message, null);
    }

    static ChorusException unreachable(String message, Throwable cause) {
        return new ChorusException(UNREACHABLE, 0, message, cause);
    }

    int exitCode() {
        return exitCode;
    }

    /** The HTTP status for a refusal by a server, 0 otherwise. */
    int status() {
        return status;
    }

    /** A 5xx or no answer at all: worth trying again later (a restarting gateway says 503). */
    boolean isTransient() {
        return exitCode == UNREACHABLE || status >= 500;
    }
}
