package io.chorus.common.error;

/**
 * A failure the caller caused or may act on, thrown by domain code and rendered as problem+json.
 * Domain classes use the factories so they never speak HTTP themselves.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final long retryAfterSeconds;

    public ProblemException(int status, String title, String detail) {
        this(status, title, detail, 0);
    }

    /** @param retryAfterSeconds sent as Retry-After when positive */
    public ProblemException(int status, String title, String detail, long retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ProblemException invalid(String detail) {
        return new ProblemException(400, "Invalid request", detail);
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "Forbidden", detail);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", detail);
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail);
    }

    public static ProblemException unavailable(String detail) {
        return new ProblemException(503, "Service unavailable", detail, 1);
    }

    public static ProblemException unavailable(String detail, long retryAfterSeconds) {
        return new ProblemException(503, "Service unavailable", detail, retryAfterSeconds);
    }

    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ProblemException(429, "Too many requests", detail, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** A missing, invalid or expired bearer token: 401, the same words on every service and route. */
    public static ProblemException unauthenticated() {
        return new ProblemException(401, "Unauthorized", "a valid, unexpired bearer token is required");
    }

    /** The database failed or is out of reach: 503, retry in a second; nothing was changed. */
    public static ProblemException storageUnavailable() {
        return new ProblemException(503, "Service unavailable", "storage is unavailable; nothing was changed, retry later", 1);
    }

    /**
     * The Retry-After header's seconds, 0 for none: unavailable and too-many-requests are
     * temporary by definition, so a 503 without its own figure says one second.
     */
    public long retryAfterHeader() {
        return retryAfterSeconds > 0 ? retryAfterSeconds : status == 503 ? 1 : 0;
    }

    public Problem toProblem() {
        return Problem.of(status, title, getMessage());
    }
}
