package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;

/**
 * The bytes of the streams, byte for byte as SPEC and docs/api.md show them: {@code :heartbeat}
 * comments, the opening {@code :cursor} with its {@code id:}, and events as {@code id:},
 * {@code event:}, {@code data:} lines and a blank line. A data value with line breaks (JSON never
 * has them, but the format allows it) becomes one {@code data:} line per line.
 */
public final class SseFrames {

    /** Shared by every stream: Vert.x writes a slice of it, the bytes themselves are never copied. */
    public static final Buffer HEARTBEAT = Buffer.buffer(":heartbeat\n\n");

    private SseFrames() {
    }

    /** The id with no data that opens every stream (EventSource stores it as Last-Event-ID). */
    public static Buffer cursor(String id) {
        return Buffer.buffer(":cursor\nid: " + id + "\n\n");
    }

    /** An event without its id line: what every stream shares of it. */
    public static Buffer body(String type, String data) {
        StringBuilder frame = new StringBuilder(data.length() + type.length() + 24);
        frame.append("event: ").append(type).append('\n');
        for (String line : data.split("\r\n|\r|\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return Buffer.buffer(frame.append('\n').toString());
    }

    /** The whole event: its id line, then the shared body. */
    public static Buffer withId(String id, Buffer body) {
        byte[] idLine = ("id: " + id + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Buffer.buffer(idLine.length + body.length()).appendBytes(idLine).appendBuffer(body);
    }
}
