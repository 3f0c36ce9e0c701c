package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;

/**
 * The connection a stream writes to. Every call but {@link #open} comes from the connection's own
 * event loop (through its {@link LoopWriter}); none blocks.
 */
public interface StreamSink {

    /** Sends the response head, and the first frame if there is one (null: the head alone). */
    void open(Buffer first);

    void write(Buffer frame);

    /**
     * Writes the event's group frame: the same bytes every stream of the group writes, so a sink
     * may write a transport-ready form kept on the event ({@link EncodedEvent#groupChunk}).
     */
    default void writeShared(EncodedEvent event) {
        write(event.groupFrame());
    }

    /**
     * Writes frames that include a heartbeat: through the connection's whole path, so that its
     * idle timer sees the stream alive even where other frames are written past it.
     */
    default void writeHeartbeat(Buffer frames) {
        write(frames);
    }

    /** True while the client reads slower than we write: the connection's buffer is full. */
    boolean writeQueueFull();

    /** Runs once the connection's buffer has room again. */
    void onDrain(Runnable then);

    /** Ends the response cleanly (the last chunk); the client may resume from its last id. */
    void end();

    /**
     * Drops a connection that stopped taking what is written: ending it cleanly would queue one
     * more chunk behind what it never read, and keep all of it in memory.
     */
    default void abandon() {
        end();
    }
}
