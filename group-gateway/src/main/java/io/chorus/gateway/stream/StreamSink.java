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

    /** True while the client reads slower than we write: the connection's buffer is full. */
    boolean writeQueueFull();

    /** Runs once the connection's buffer has room again. */
    void onDrain(Runnable then);

    /** Ends the response cleanly (the last chunk); the client may resume from its last id. */
    void end();
}
