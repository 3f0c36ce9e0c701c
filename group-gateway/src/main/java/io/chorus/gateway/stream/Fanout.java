package io.chorus.gateway.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands each message to the streams that show it. Indexed so a message costs work only for its
 * own audience: a group message goes to that group's streams and to the everything-streams of
 * its members; a DM goes to the everything-streams of its two parties. Each entry is encoded
 * into its SSE bytes once, here, and every stream writes those same bytes.
 */
public class Fanout {

    private final Memberships memberships;
    private final Map<String, Set<Subscriber>> groupStreams = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> userStreams = new ConcurrentHashMap<>();
    private final LongAdder encoded = new LongAdder();

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

    public void deliver(LiveEvent live) {
        EncodedEvent event = EncodedEvent.of(live);
        encoded.increment();
        switch (live.log()) {
            case GROUP -> {
                offerAll(groupStreams.get(live.groupKey()), event);
                if (!userStreams.isEmpty()) {
                    for (String member : memberships.membersOf(live.groupKey())) {
                        offerAll(userStreams.get(member), event);
                    }
                }
            }
            case DM -> {
                offerAll(userStreams.get(live.recipientKey()), event);
                if (!live.senderKey().equals(live.recipientKey())) {
                    offerAll(userStreams.get(live.senderKey()), event);
                }
            }
        }
    }

    /** An event in no log: to its group's streams and members, or to one user's everything-streams. */
    public void deliver(Ephemeral event) {
        if (event.groupKey() != null) {
            offerAll(groupStreams.get(event.groupKey()), event);
            if (!userStreams.isEmpty()) {
                for (String member : memberships.membersOf(event.groupKey())) {
                    offerAll(userStreams.get(member), event);
                }
            }
        } else {
            offerAll(userStreams.get(event.recipientKey()), event);
            if (!event.actorKey().equals(event.recipientKey())) {
                offerAll(userStreams.get(event.actorKey()), event);
            }
        }
    }

    /** An event of a group to that group's streams only (the caller reaches the members' everything-streams). */
    public void deliverToGroupStreams(Ephemeral event) {
        offerAll(groupStreams.get(event.groupKey()), event);
    }

    /** An event to one user's everything-streams (each stream still applies its own filter). */
    public void deliverToUserStreams(String userKey, Ephemeral event) {
        offerAll(userStreams.get(userKey), event);
    }

    /** Every stream writes a comment; a stream whose buffer is full is cut off by it. */
    public void heartbeat() {
        groupStreams.values().forEach(subscribers -> subscribers.forEach(Subscriber::heartbeat));
        userStreams.values().forEach(subscribers -> subscribers.forEach(Subscriber::heartbeat));
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

    /** Every open stream, as of now (a drain ends them one by one). */
    public List<Subscriber> streams() {
        List<Subscriber> all = new ArrayList<>(subscriberCount() + 16);
        groupStreams.values().forEach(all::addAll);
        userStreams.values().forEach(all::addAll);
        return all;
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

    /** Entries encoded so far (one per entry delivered, whatever its audience). */
    public long encoded() {
        return encoded.sum();
    }

    private static void offerAll(Set<Subscriber> subscribers, EncodedEvent event) {
        if (subscribers != null) {
            subscribers.forEach(subscriber -> subscriber.offer(event));
        }
    }

    private static void offerAll(Set<Subscriber> subscribers, Ephemeral event) {
        if (subscribers != null) {
            subscribers.forEach(subscriber -> subscriber.offer(event));
        }
    }
}
