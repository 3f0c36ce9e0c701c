package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One open stream: who it is for, where it stands, and what waits to be written. It costs a few
 * fields while idle; its queue exists only while something waits. Events are offered from the
 * fan-out thread and written on the connection's event loop by its {@link LoopWriter}. A stream
 * whose client reads too slowly (the connection's buffer full and {@code bufferSize} events
 * waiting) is cut off: its response ends, and the client resumes from its last event id instead
 * of the gateway holding memory for it or slowing the others. Its queue is bounded in events
 * and in bytes ({@link StreamBounds}); a connection that takes nothing for the stall timeout is
 * dropped, so what it was sent and never read is freed. A resuming stream replays what it missed
 * a page at a time (see {@link Streams}): live events wait in the queue meanwhile.
 */
public final class Subscriber {

    /** A heartbeat waiting in a queue (it has no event). */
    private static final Object HEARTBEAT = new Object();

    private final String userKey;
    private final String groupKey;
    private final boolean self;
    private final Memberships memberships;
    private final StreamBounds bounds;
    private final StreamSink sink;
    private final LoopWriter loop;
    private volatile Runnable onEnd = () -> { };

    // Guarded by this: touched by the fan-out thread and the loop. Holds log events
    // (EncodedEvent), ephemeral frames (Buffer) and HEARTBEAT, in the order they came.
    private ArrayDeque<Object> waiting;
    private long waitingBytes;
    private boolean markedForWriting;
    private boolean cutOff;
    private boolean completing;
    private boolean ended;
    private boolean drainAwaited;
    /** While pages of the replay are being written: live events wait. */
    private boolean replaying;
    /** When the connection last stopped taking what is written (0 while it takes it). */
    private long stalledSince;

    // The loop's alone. Null until the stream started (replay done): live events wait till then.
    private StreamCursor cursor;

    /**
     * @param groupKey the group of a group stream, or null for the caller's everything-stream
     * @param self     whether the caller's own events are echoed back
     */
    public Subscriber(String userKey, String groupKey, boolean self, Memberships memberships, StreamBounds bounds,
                      StreamSink sink, LoopWriter loop) {
        this.userKey = userKey;
        this.groupKey = groupKey;
        this.self = self;
        this.memberships = memberships;
        this.bounds = bounds;
        this.sink = sink;
        this.loop = loop;
    }

    /** What runs once when the stream ends, however it ends (set before it is registered). */
    void onEnd(Runnable onEnd) {
        this.onEnd = onEnd;
    }

    public String userKey() {
        return userKey;
    }

    public String groupKey() {
        return groupKey;
    }

    public boolean isGroupStream() {
        return groupKey != null;
    }

    /** Whether this stream shows the event: membership, own-event filtering, DM parties. */
    public boolean wants(LiveEvent event) {
        if (!self && userKey.equals(event.senderKey())) {
            return false;
        }
        return switch (event.log()) {
            case GROUP -> (groupKey == null || groupKey.equals(event.groupKey()))
                    && memberships.isMember(event.groupKey(), userKey);
            case DM -> groupKey == null && (userKey.equals(event.recipientKey()) || userKey.equals(event.senderKey()));
        };
    }

    /** From the fan-out thread; never blocks. */
    public void offer(EncodedEvent event) {
        if (wants(event.event())) {
            enqueue(event);
        }
    }

    /** Whether this stream shows the ephemeral event: its audience, and own-event filtering. */
    public boolean wants(Ephemeral event) {
        if (!self && userKey.equals(event.actorKey())) {
            return false;
        }
        if (event.groupKey() != null) {
            return (groupKey == null || groupKey.equals(event.groupKey())) && memberships.isMember(event.groupKey(), userKey);
        }
        return groupKey == null && (userKey.equals(event.recipientKey()) || userKey.equals(event.actorKey()));
    }

    /** From the fan-out thread; never blocks. Written in turn with the log's events, without moving the cursor. */
    public void offer(Ephemeral event) {
        if (wants(event)) {
            enqueue(event.frameFor(userKey));
        }
    }

    /**
     * A comment line: keeps proxies from closing an idle stream, and cuts off a client that
     * stopped reading: one whose connection has taken nothing for the stall timeout is dropped.
     */
    public void heartbeat() {
        boolean stalled;
        synchronized (this) {
            stalled = stalledSince != 0 && System.nanoTime() - stalledSince > bounds.stallTimeout().toNanos() && !ended;
        }
        if (stalled) {
            loop.execute(this::abandon);
        } else {
            enqueue(HEARTBEAT);
        }
    }

    /** Ends the stream after what is already queued (the caller left the group, the token expired, shutdown). */
    public void complete() {
        boolean mark;
        synchronized (this) {
            if (ended || completing) {
                return;
            }
            completing = true;
            mark = markLocked();
        }
        if (mark) {
            loop.markForWriting(this);
        }
    }

    /**
     * Ends the stream after what is already queued and then this frame (a draining gateway's
     * {@code retry:}, so the client comes back when told, not at once). A stream already ending
     * ends as it was going to.
     */
    public void complete(Buffer lastFrame) {
        boolean mark;
        synchronized (this) {
            if (ended || completing) {
                return;
            }
            // In the same hold as completing: nothing (a heartbeat) can slip in after it.
            if (lastFrame != null && !cutOff) {
                addLocked(lastFrame);
            }
            completing = true;
            mark = markLocked();
        }
        if (mark) {
            loop.markForWriting(this);
        }
    }

    /** Whether the stream is ending or has ended (a drain passes over it). */
    public synchronized boolean isEnding() {
        return completing || ended;
    }

    /** The client went away: nothing more is written. */
    public void closed() {
        end(false);
    }

    /** On the loop: goes live from the cursor on (no replay). */
    void start(StreamCursor from) {
        cursor = from;
        writePending();
    }

    /** On the loop: the stream stands at the cursor and replays before it goes live. */
    void startReplay(StreamCursor from) {
        synchronized (this) {
            replaying = true;
        }
        cursor = from;
    }

    /**
     * On the loop: writes a page of the replay, leaving out what this stream does not show
     * (filters, and a group's entries from before the member's current join) and what the cursor
     * has passed. Returns the events written.
     */
    int writeReplayed(List<LiveEvent> page) {
        Batch batch = new Batch();
        int written = 0;
        for (LiveEvent event : page) {
            if (wants(event) && sinceJoined(event) && cursor.advance(event)) {
                addAtCursor(batch, EncodedEvent.of(event));
                written++;
            }
        }
        if (!isEnded()) {
            batch.writeTo(sink);
        }
        return written;
    }

    private boolean sinceJoined(LiveEvent event) {
        return event.log() != LiveEvent.Log.GROUP || event.position() >= memberships.joinedAt(event.groupKey(), userKey);
    }

    /** On the loop: whether the connection has taken what was written (else wait with {@link #whenDrained}). */
    boolean drained() {
        return !sink.writeQueueFull();
    }

    /** On the loop: runs {@code then} on the loop once the connection has room; the stall clock runs meanwhile. */
    void whenDrained(Runnable then) {
        synchronized (this) {
            if (stalledSince == 0) {
                stalledSince = System.nanoTime();
            }
        }
        sink.onDrain(() -> {
            synchronized (this) {
                stalledSince = 0;
            }
            loop.execute(then);
        });
    }

    /** On the loop: the replay is written; what waited meanwhile follows. */
    void goLive() {
        synchronized (this) {
            replaying = false;
        }
        writePending();
    }

    /** On the loop: this many replayed on one connection; the client resumes for the rest. */
    void endReplay() {
        finish();
    }

    /** On the loop: a connection that took nothing for the stall timeout; dropped, not ended. */
    private void abandon() {
        if (end(false)) {
            sink.abandon();
        }
    }

    /** On the loop: the replay could not be read; the client retries from its cursor. */
    void failed() {
        finish();
    }

    /** On the loop: writes everything waiting in one write, or waits for the connection to drain. */
    void writePending() {
        Object[] batch;
        boolean finish;
        synchronized (this) {
            markedForWriting = false;
            if (ended || cursor == null || replaying) {
                return;
            }
            if (cutOff) {
                waiting = null;
                batch = null;
                finish = true;
            } else if (sink.writeQueueFull() && completing) {
                // Ending anyway (left, expired, shutdown): a client that stopped reading would
                // otherwise hold its place for good. It resumes from the last event it read.
                waiting = null;
                batch = null;
                finish = true;
            } else if (sink.writeQueueFull()) {
                if (!drainAwaited) {
                    drainAwaited = true;
                    if (stalledSince == 0) {
                        stalledSince = System.nanoTime();
                    }
                    sink.onDrain(this::drainedLive);
                }
                return;
            } else {
                batch = waiting == null ? null : waiting.toArray();
                waiting = null;
                waitingBytes = 0;
                finish = completing;
            }
        }
        if (batch != null) {
            Batch frames = new Batch();
            for (Object item : batch) {
                if (item == HEARTBEAT) {
                    frames.addHeartbeat();
                } else if (item instanceof Buffer ephemeral) {
                    frames.add(ephemeral);
                } else {
                    EncodedEvent event = (EncodedEvent) item;
                    if (cursor.advance(event.event())) {
                        addAtCursor(frames, event);
                    }
                }
            }
            frames.writeTo(sink);
        }
        if (finish) {
            finish();
        }
    }

    private void drainedLive() {
        boolean mark;
        synchronized (this) {
            drainAwaited = false;
            stalledSince = 0;
            mark = markLocked();
        }
        if (mark) {
            loop.markForWriting(this);
        }
    }

    private void enqueue(Object item) {
        boolean mark;
        synchronized (this) {
            if (ended || cutOff || completing) {
                return;
            }
            addLocked(item);
            mark = markLocked();
        }
        if (mark) {
            loop.markForWriting(this);
        }
    }

    /** Queues the item, or cuts the stream off if its queue is full (in events or bytes). */
    private void addLocked(Object item) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
            waitingBytes = 0;
        }
        long size = sizeOf(item);
        if (waiting.size() >= bounds.queueEvents() || waitingBytes + size > bounds.queueBytes()) {
            cutOff = true;
            waiting = null;
        } else {
            waiting.add(item);
            waitingBytes += size;
        }
    }

    /** What a queued item will write: the measure of the queue's byte bound. */
    private static long sizeOf(Object item) {
        if (item == HEARTBEAT) {
            return SseFrames.HEARTBEAT.length();
        }
        if (item instanceof Buffer frame) {
            return frame.length();
        }
        return ((EncodedEvent) item).body().length();
    }

    private boolean markLocked() {
        if (markedForWriting || ended) {
            return false;
        }
        markedForWriting = true;
        return true;
    }

    synchronized boolean isEnded() {
        return ended;
    }

    /** Ends the response cleanly (the client may resume from its last id). */
    private void finish() {
        end(true);
    }

    /** The one way a stream ends: once, whoever gets here first (true for that one). */
    private boolean end(boolean endResponse) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            ended = true;
            waiting = null;
        }
        if (endResponse) {
            sink.end();
        }
        onEnd.run();
        return true;
    }

    /** The event's frame as this stream shows it; the cursor has just moved past it. */
    private void addAtCursor(Batch batch, EncodedEvent event) {
        if (isGroupStream()) {
            batch.addShared(event);
        } else {
            batch.add(event.userFrame(cursor.userStreamId()));
        }
    }

    /**
     * What one pass writes, as one write: a single frame goes out as it is (a group frame as the
     * very bytes every stream of the group writes); several are joined into a buffer of this
     * stream's own.
     */
    private static final class Batch {
        private Buffer single;
        private Buffer joined;
        /** The event whose shared group frame is the single frame, if it is one. */
        private EncodedEvent shared;
        private boolean heartbeat;

        void add(Buffer frame) {
            if (joined != null) {
                joined.appendBuffer(frame);
            } else if (single == null) {
                single = frame;
            } else {
                joined = Buffer.buffer(single.length() + frame.length() * 2).appendBuffer(single).appendBuffer(frame);
                single = null;
                shared = null;
            }
        }

        void addShared(EncodedEvent event) {
            boolean first = single == null && joined == null;
            add(event.groupFrame());
            if (first) {
                shared = event;
            }
        }

        void addHeartbeat() {
            add(SseFrames.HEARTBEAT);
            heartbeat = true;
        }

        void writeTo(StreamSink sink) {
            Buffer frames = joined != null ? joined : single;
            if (shared != null) {
                sink.writeShared(shared);
            } else if (heartbeat) {
                sink.writeHeartbeat(frames);
            } else if (frames != null) {
                sink.write(frames);
            }
        }
    }
}
