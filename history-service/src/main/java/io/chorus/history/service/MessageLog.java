package io.chorus.history.service;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.log.Appended;
import io.chorus.common.log.GroupCommit;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.history.repository.MessageRepository;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The durable group log (messages, joins and leaves) with group commit: a post's future
 * completes only after its transaction committed, which is what the gateway's 201 stands on.
 * Then the new entries go on the bus, in position order.
 */
public class MessageLog implements AutoCloseable {

    private final MessageRepository repository;
    private final BusPublisher bus;
    private final Function<Object, String> json;
    private final GroupCommit<Append, Appended<GroupLogEntry>> commit;

    public MessageLog(MessageRepository repository, BusPublisher bus, Function<Object, String> json,
                      int maxBatch, int maxPending) {
        this.repository = repository;
        this.bus = bus;
        this.json = json;
        this.commit = new GroupCommit<>("history", repository::append, this::publish, maxBatch, maxPending);
    }

    public CompletableFuture<Appended<GroupLogEntry>> append(Append append) {
        return commit.append(append);
    }

    /**
     * Edits a message (its sender only) and publishes the edit once committed. Blocking JDBC:
     * from a worker or virtual thread. Edits are rare next to posts: each is its own
     * transaction, under the same head lock as the group commit's batches.
     */
    public GroupLogEntry edit(String group, long id, String actor, String text) {
        GroupLogEntry entry = repository.edit(group, id, actor, text);
        publishChange(entry);
        return entry;
    }

    /** Deletes a message (its sender or the group's owner); null if it was a tombstone already. */
    public GroupLogEntry delete(String group, long id, String actor, boolean actorOwnsGroup) {
        GroupLogEntry entry = repository.delete(group, id, actor, actorOwnsGroup);
        if (entry != null) {
            publishChange(entry);
        }
        return entry;
    }

    // Published by the caller's thread, so possibly out of order with the group commit's batches:
    // gateways order by position and read a gap from the log.
    private void publishChange(GroupLogEntry entry) {
        bus.publish(new BusMessage(Topics.groupChange(entry.group()), json.apply(entry)));
    }

    // Messages go out as the API shows them (gateways use those bytes as the event data); joins
    // and leaves as log entries. Either way the position orders them on every gateway.
    private void publish(List<Appended<GroupLogEntry>> results) {
        results.stream()
                .filter(Appended::created)
                .map(Appended::entry)
                .forEach(entry -> bus.publish(entry.isMembership()
                        ? new BusMessage(Topics.membership(entry.group()), json.apply(entry))
                        : new BusMessage(Topics.group(entry.group()), json.apply(entry.message()))));
    }

    @Override
    public void close() {
        commit.close();
    }
}
