package io.chorus.gateway.stream;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writes of one event loop's streams. The fan-out thread marks a stream as having something
 * to write; the loop then gets one task for everything marked since its last pass, not one per
 * event per stream, and each stream writes all it has in one go.
 */
public final class LoopWriter {

    private final Executor loop;
    private final ConcurrentLinkedQueue<Subscriber> toWrite = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean passScheduled = new AtomicBoolean();

    /** @param loop runs tasks on the event loop the streams' connections belong to */
    public LoopWriter(Executor loop) {
        this.loop = loop;
    }

    /** Runs a task on this loop (a stream's start, its replay arriving). */
    public void execute(Runnable task) {
        loop.execute(task);
    }

    void markForWriting(Subscriber subscriber) {
        toWrite.add(subscriber);
        if (passScheduled.compareAndSet(false, true)) {
            loop.execute(this::pass);
        }
    }

    private void pass() {
        // Cleared first: a stream marked from now on schedules the next pass.
        passScheduled.set(false);
        Subscriber subscriber;
        while ((subscriber = toWrite.poll()) != null) {
            subscriber.writePending();
        }
    }
}
