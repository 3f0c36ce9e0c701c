package io.chorus.gateway.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes written past the HTTP encoder must be exactly what it would have written: HTTP/1.1 chunks. */
class SseFramesTest {

    private static final String FRAME = "id: 42\nevent: message\ndata: {\"text\":\"héllo\"}\n\n";

    private static String ascii(Buffer buffer) {
        byte[] bytes = new byte[buffer.length()];
        buffer.getByteBuf().getBytes(0, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSharedChunkIsTheFrameWithItsSizeInHexAndCrlfs() {
        Buffer frame = Buffer.buffer(FRAME);
        Buffer chunk = SseFrames.chunk(frame);
        String expected = Integer.toHexString(frame.length()) + "\r\n" + frame.toString(StandardCharsets.ISO_8859_1) + "\r\n";
        assertEquals(expected, ascii(chunk));
        assertTrue(chunk.getByteBuf().isDirect(), "native memory: the socket write copies nothing");
        // Written many times: each write takes a view, the bytes stay.
        assertEquals(expected, ascii(chunk));
    }

    @Test
    void aStreamsOwnChunkIsFramedTheSameWay() {
        Buffer frames = Buffer.buffer(FRAME).appendBuffer(SseFrames.HEARTBEAT);
        assertEquals(Integer.toHexString(frames.length()) + "\r\n" + frames.toString(StandardCharsets.ISO_8859_1) + "\r\n",
                ascii(SseFrames.heapChunk(frames)));
    }

    @Test
    void theSizeLineCountsBytesNotCharacters() {
        Buffer frame = Buffer.buffer("data: ü\n\n");
        assertEquals(10, frame.length(), "9 characters, ü in two bytes");
        assertTrue(ascii(SseFrames.chunk(frame)).startsWith("a\r\n"));
    }
}
