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

    private final BusPublisher bus;
    private final Function<Object, String> json;
    private final GroupCommit<Append, Appended<GroupLogEntry>> commit;

    public MessageLog(MessageRepository repository, BusPublisher bus, Function<Object, String> json,
                      int maxBatch, int maxPending) {
        this.bus = bus;
        this.json = json;
        this.commit = new GroupCommit<>("history", repository::append, this::publish, maxBatch, maxPending);
    }

    public CompletableFuture<Appended<GroupLogEntry>> append(Append append) {
        return commit.append(append);
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
