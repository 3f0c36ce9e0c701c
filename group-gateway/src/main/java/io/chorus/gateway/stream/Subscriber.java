package io.chorus.gateway.stream;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * One open stream. Its events wait in a fixed-size queue until the connection takes them; when
 * the queue is full the subscriber is too slow, and it is cut off (the stream fails with a
 * back-pressure failure and closes) instead of holding memory or slowing the fan-out. The
 * client resumes from its last event id.
 */
public class Subscriber {

    private final String userKey;
    private final String groupKey;
    private final boolean self;
    private final Memberships memberships;
    private final UnicastProcessor<LiveEvent> queue;

    /**
     * @param groupKey the group of a group stream, or null for the caller's everything-stream
     * @param self     whether the caller's own messages are echoed back
     */
    public Subscriber(String userKey, String groupKey, boolean self, Memberships memberships, int bufferSize,
                      Runnable onTermination) {
        this.userKey = userKey;
        this.groupKey = groupKey;
        this.self = self;
        this.memberships = memberships;
        this.queue = UnicastProcessor.create(new ArrayBlockingQueue<>(bufferSize), onTermination);
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

    /** Whether this stream shows the event: membership, own-message filtering, DM parties. */
    public boolean wants(LiveEvent event) {
        if (event.isHeartbeat()) {
            return true;
        }
        if (!self && userKey.equals(event.senderKey())) {
            return false;
        }
        return switch (event.log()) {
            case GROUP -> (groupKey == null || groupKey.equals(event.groupKey()))
                    && memberships.isMember(event.groupKey(), userKey);
            case DM -> groupKey == null && (userKey.equals(event.recipientKey()) || userKey.equals(event.senderKey()));
        };
    }

    /** Called by the fan-out thread; never blocks. */
    public void offer(LiveEvent event) {
        if (wants(event)) {
            queue.onNext(event);
        }
    }

    /** Ends the stream normally, e.g. after the caller left the group. */
    public void complete() {
        queue.onComplete();
    }

    public Multi<LiveEvent> events() {
        return queue;
    }
}
