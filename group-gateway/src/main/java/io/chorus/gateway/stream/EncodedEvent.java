package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;

/**
 * A log entry encoded once for all its streams. A group stream's id is the entry's own position,
 * so its whole frame is shared; the everything-stream's id also carries the stream's DM position,
 * so those streams share the body and write their own short id line before it.
 */
public final class EncodedEvent {

    private final LiveEvent event;
    private final Buffer body;
    private final Buffer groupFrame;
    /** The group frame as one HTTP/1.1 chunk, made the first time a stream writes it that way. */
    private volatile Buffer groupChunk;

    private EncodedEvent(LiveEvent event, Buffer body, Buffer groupFrame) {
        this.event = event;
        this.body = body;
        this.groupFrame = groupFrame;
    }

    public static EncodedEvent of(LiveEvent event) {
        Buffer body = SseFrames.body(event.type(), event.json());
        Buffer groupFrame = event.log() == LiveEvent.Log.GROUP
                ? SseFrames.withId(Long.toString(event.position()), body) : null;
        return new EncodedEvent(event, body, groupFrame);
    }

    public LiveEvent event() {
        return event;
    }

    public Buffer body() {
        return body;
    }

    /** The frame group streams write (null for a DM: no group stream shows it). */
    public Buffer groupFrame() {
        return groupFrame;
    }

    /**
     * The group frame framed as an HTTP/1.1 chunk, in native memory, for connections that write
     * it straight to their socket: built once (two loops racing may both build it; either copy
     * is right), then written to every such stream without a copy.
     */
    public Buffer groupChunk() {
        Buffer chunk = groupChunk;
        if (chunk == null) {
            chunk = SseFrames.chunk(groupFrame);
            groupChunk = chunk;
        }
        return chunk;
    }

    /** The frame for an everything-stream standing at this cursor id. */
    public Buffer userFrame(String cursorId) {
        return SseFrames.withId(cursorId, body);
    }
}
