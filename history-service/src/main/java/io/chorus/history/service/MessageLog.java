package io.chorus.history.service;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.error.ProblemException;
import io.chorus.common.error.StorageException;
import io.chorus.history.repository.MessageRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The durable group log (messages, joins and leaves) with group commit. Posts queue here; one writer thread takes
 * everything waiting (up to maxBatch) and commits it in a single transaction, so under load many
 * messages share one fsync instead of paying one each. A post's future completes only after its
 * transaction committed: that is what the gateway's 201 stands on. Then the messages go on the
 * bus, in id order.
 */
public class MessageLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MessageLog.class);

    private final MessageRepository repository;
    private final BusPublisher bus;
    private final Function<Object, String> json;
    private final int maxBatch;
    private final BlockingQueue<Pending> pending;
    private final Thread writer;
    private volatile boolean closed;

    public MessageLog(MessageRepository repository, BusPublisher bus, Function<Object, String> json,
                      int maxBatch, int maxPending) {
        this.repository = repository;
        this.bus = bus;
        this.json = json;
        this.maxBatch = maxBatch;
        this.pending = new ArrayBlockingQueue<>(maxPending);
        this.writer = Thread.ofVirtual().name("history-writer").start(this::writeLoop);
    }

    public CompletableFuture<Appended> append(Append append) {
        CompletableFuture<Appended> result = new CompletableFuture<>();
        if (closed || !pending.offer(new Pending(append, result))) {
            result.completeExceptionally(ProblemException.unavailable("history is overloaded; retry shortly"));
        }
        return result;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (true) {
            Pending first;
            try {
                // Wakes up now and then so that close() is noticed without interrupting a commit.
                first = pending.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
                continue;
            }
            batch.add(first);
            pending.drainTo(batch, maxBatch - 1);
            commit(batch);
            batch.clear();
        }
        failRemaining();
    }

    private void commit(List<Pending> batch) {
        List<Appended> results;
        try {
            results = repository.append(batch.stream().map(Pending::append).toList());
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not commit %d messages; their posts fail and may be retried", batch.size());
            RuntimeException failure = e instanceof StorageException ? e : new StorageException("append failed", e);
            batch.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
        // Messages go out as the API shows them (gateways use those bytes as the event data);
        // joins and leaves as log entries. Either way the position orders them on every gateway.
        results.stream()
                .filter(Appended::created)
                .map(Appended::entry)
                .forEach(entry -> bus.publish(entry.isMembership()
                        ? new BusMessage(Topics.membership(entry.group()), json.apply(entry))
                        : new BusMessage(Topics.group(entry.group()), json.apply(entry.message()))));
    }

    private void failRemaining() {
        Pending left;
        while ((left = pending.poll()) != null) {
            left.result().completeExceptionally(ProblemException.unavailable("history is shutting down; retry"));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Pending(Append append, CompletableFuture<Appended> result) {
    }
}
