package io.chorus.common.error;

/**
 * The database failed or is out of reach. Rendered as 503: the request may succeed on retry,
 * and nothing was acknowledged.
 */
public class StorageException extends RuntimeException {

    public StorageException(String what, Throwable cause) {
        super(what, cause);
    }
}
