package io.chorus.gateway.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the streams, byte for byte as SPEC and docs/api.md show them: {@code :heartbeat}
 * comments, the opening {@code :cursor} with its {@code retry:} and {@code id:}, and events as {@code id:},
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
        return opening(id, RetryWindow.NONE);
    }

    /**
     * What opens a stream: the {@code :cursor} comment, the stream's reconnection time (a
     * {@code retry:} drawn from the window, so streams cut together come back spread) and its
     * position, in one block with no data (EventSource dispatches nothing for it). Without a
     * position yet (the log's head unknown), the retry alone; null if there is neither.
     */
    public static Buffer opening(String id, RetryWindow retry) {
        String retryLine = retry.line();
        if (id == null) {
            return retryLine.isEmpty() ? null : Buffer.buffer(retryLine + "\n");
        }
        return Buffer.buffer(":cursor\n" + retryLine + "id: " + id + "\n\n");
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

    /**
     * A frame as one HTTP/1.1 chunk (size in hex, CRLF, the bytes, CRLF), for writing past the
     * HTTP encoder; in native memory, so the socket write needs no copy. The JDK frees it when
     * the event is no longer referenced (it is never released by hand: writes use views of it).
     */
    public static Buffer chunk(Buffer frame) {
        byte[] size = chunkSizeLine(frame);
        ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
                ByteBuffer.allocateDirect(size.length + frame.length() + 2)).clear());
        chunk.writeBytes(size).writeBytes(frame.getByteBuf()).writeByte('\r').writeByte('\n');
        return Buffer.buffer(chunk);
    }

    /** A stream's own frames as one HTTP/1.1 chunk, written once (on the heap: the socket write copies it). */
    public static Buffer heapChunk(Buffer frames) {
        byte[] size = chunkSizeLine(frames);
        return Buffer.buffer(size.length + frames.length() + 2).appendBytes(size).appendBuffer(frames).appendString("\r\n");
    }

    /** A chunk's first line: its size in bytes, in hex. */
    private static byte[] chunkSizeLine(Buffer bytes) {
        return (Integer.toHexString(bytes.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole event: its id line, then the shared body. */
    public static Buffer withId(String id, Buffer body) {
        byte[] idLine = ("id: " + id + "\n").getBytes(StandardCharsets.UTF_8);
        return Buffer.buffer(idLine.length + body.length()).appendBytes(idLine).appendBuffer(body);
    }
}
