package io.chorus.common.limits;

import io.chorus.common.message.MessageText;

/**
 * The request body sizes the services accept, every one derived from SPEC's public limit and the
 * longest valid text, so that any request a client may send is one the services accept from each
 * other too (docs/security.md, Limits). The gateway's batches of posts to history-service are
 * capped in bytes by {@link #INTERNAL_BATCH}; history-service's internal paths accept
 * {@link #INTERNAL}, which holds a full batch with room.
 */
public final class BodyLimits {

    /** SPEC: a public request body is at most 64 KiB, however it is sent. */
    public static final long PUBLIC = 64 * 1024;

    /**
     * JSON's longest spelling of one UTF-16 unit: {@code \u20ac}. Jackson writes an astral
     * character as two of them (an escaped surrogate pair, 12 bytes), a client may escape anything.
     */
    public static final int JSON_BYTES_PER_UTF16_UNIT = 6;

    /** The longest valid text in JSON: 4,096 astral characters, each an escaped surrogate pair. */
    public static final long LONGEST_TEXT_JSON = (long) MessageText.MAX_CHARACTERS * 2 * JSON_BYTES_PER_UTF16_UNIT;

    /** A post's other fields in JSON (group and sender names, a clientId, the punctuation), with room. */
    public static final long POST_ENVELOPE = 1024;

    /** The longest posts one internal batch holds; more wait for the next batch. */
    public static final int LONGEST_POSTS_PER_BATCH = 16;

    /** Most bytes of posts in one internal batch (the gateway's {@code GroupPosts} counts them). */
    public static final long INTERNAL_BATCH = LONGEST_POSTS_PER_BATCH * (LONGEST_TEXT_JSON + POST_ENVELOPE);

    /**
     * An internal path's body limit: a full batch and a public body's worth of room for its
     * envelope. history-service's {@code quarkus.http.limits.max-body-size} (1M) is at least this.
     */
    public static final long INTERNAL = INTERNAL_BATCH + PUBLIC;

    private BodyLimits() {
    }

    /** At most how many bytes a post of this text takes in a batch's JSON, whatever is escaped. */
    public static long postBytesAtMost(String text) {
        return POST_ENVELOPE + (long) JSON_BYTES_PER_UTF16_UNIT * (text == null ? 0 : text.length());
    }
}
