package io.chorus.gateway.stream;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands each message to the streams that show it. Indexed so a message costs work only for its
 * own audience: a group message goes to that group's streams and to the everything-streams of
 * its members; a DM goes to the everything-streams of its two parties.
 */
public class Fanout {

    private final Memberships memberships;
    private final Map<String, Set<Subscriber>> groupStreams = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> userStreams = new ConcurrentHashMap<>();

    public Fanout(Memberships memberships) {
        this.memberships = memberships;
    }

    public void register(Subscriber subscriber) {
        index(subscriber).computeIfAbsent(key(subscriber), k -> ConcurrentHashMap.newKeySet()).add(subscriber);
    }

    public void unregister(Subscriber subscriber) {
        index(subscriber).computeIfPresent(key(subscriber), (k, subscribers) -> {
            subscribers.remove(subscriber);
            return subscribers.isEmpty() ? null : subscribers;
        });
    }

    public void deliver(LiveEvent event) {
        switch (event.log()) {
            case GROUP -> {
                offerAll(groupStreams.get(event.groupKey()), event);
                for (String member : memberships.membersOf(event.groupKey())) {
                    offerAll(userStreams.get(member), event);
                }
            }
            case DM -> {
                offerAll(userStreams.get(event.recipientKey()), event);
                if (!event.senderKey().equals(event.recipientKey())) {
                    offerAll(userStreams.get(event.senderKey()), event);
                }
            }
        }
    }

    /** Every stream writes a comment; a stream whose buffer is full is cut off by it. */
    public void heartbeat() {
        groupStreams.values().forEach(subscribers -> offerAll(subscribers, LiveEvent.HEARTBEAT));
        userStreams.values().forEach(subscribers -> offerAll(subscribers, LiveEvent.HEARTBEAT));
    }

    /** The member left: their streams of that group end. */
    public void left(String groupKey, String memberKey) {
        Set<Subscriber> subscribers = groupStreams.get(groupKey);
        if (subscribers != null) {
            subscribers.stream().filter(s -> s.userKey().equals(memberKey)).forEach(Subscriber::complete);
        }
    }

    /** Ends every stream (at shutdown), so clients reconnect, to another replica if there is one. */
    public void completeAll() {
        groupStreams.values().forEach(subscribers -> subscribers.forEach(Subscriber::complete));
        userStreams.values().forEach(subscribers -> subscribers.forEach(Subscriber::complete));
    }

    public int subscriberCount() {
        return groupStreams.values().stream().mapToInt(Set::size).sum()
                + userStreams.values().stream().mapToInt(Set::size).sum();
    }

    private Map<String, Set<Subscriber>> index(Subscriber subscriber) {
        return subscriber.isGroupStream() ? groupStreams : userStreams;
    }

    private static String key(Subscriber subscriber) {
        return subscriber.isGroupStream() ? subscriber.groupKey() : subscriber.userKey();
    }

    private static void offerAll(Set<Subscriber> subscribers, LiveEvent event) {
        if (subscribers != null) {
            subscribers.forEach(subscriber -> subscriber.offer(event));
        }
    }
}
