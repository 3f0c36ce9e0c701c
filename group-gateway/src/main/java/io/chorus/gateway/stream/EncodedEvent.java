package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;

/**
 * A log entry encoded once for all its streams. A group stream's id is the entry's own position,
 * so its whole frame is shared; the everything-stream's id also carries the stream's DM position,
 * so those streams share the body and write their own short id line before it.
 *
 * @param groupFrame the frame group streams write (null for a DM: no group stream shows it)
 */
public record EncodedEvent(LiveEvent event, Buffer body, Buffer groupFrame) {

    public static EncodedEvent of(LiveEvent event) {
        Buffer body = SseFrames.body(event.type(), event.json());
        Buffer groupFrame = event.log() == LiveEvent.Log.GROUP
                ? SseFrames.withId(Long.toString(event.position()), body) : null;
        return new EncodedEvent(event, body, groupFrame);
    }

    /** The frame for an everything-stream standing at this cursor id. */
    public Buffer userFrame(String cursorId) {
        return SseFrames.withId(cursorId, body);
    }
}
