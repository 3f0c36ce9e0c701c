package io.chorus.common.log;

import io.chorus.common.error.ProblemException;
import io.chorus.common.error.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.jboss.logging.Logger;

/**
 * Group commit for a log (history-service's group log, dm-service's DM log). Appends queue here;
 * one writer thread takes everything waiting (up to maxBatch) and commits it in a single
 * transaction, so under load many appends share one fsync instead of paying one each. An
 * append's future completes only after its transaction committed: that is what a 201 stands on.
 * Then the committed batch is handed on in position order (to publish it on the bus). The
 * gateway batches its posts to history-service the same way: one internal call per batch.
 * Nothing waits to fill a batch: a lone append goes at once, a batch forms only while the writer
 * is busy with the one before. A batch is bounded in count and, where its appends have a size
 * (the gateway's batches travel as one request body, which the receiver caps), in bytes: an
 * append that would take the batch past its bytes waits for the next one, so one caller's long
 * message never makes a batch too large for the others in it. An append larger than the cap on
 * its own still goes, alone.
 *
 * @param <A> an append, already validated
 * @param <R> its result (the stored entry, or the earlier one a repeated clientId names)
 */
public final class GroupCommit<A, R> implements AutoCloseable {

    /** Commits a batch in one transaction under the log's head lock; one result per append, in order. */
    @FunctionalInterface
    public interface Batch<A, R> {
        List<R> commit(List<A> appends);
    }

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final String name;
    private final Batch<A, R> batch;
    private final Consumer<List<R>> committed;
    private final int maxBatch;
    private final long maxBatchBytes;
    private final ToLongFunction<A> bytesOf;
    private final BlockingQueue<Pending<A, R>> pending;
    private final Thread writer;
    private volatile boolean closed;

    /** @param committed told of each committed batch's results, in position order, after the commit */
    public GroupCommit(String name, Batch<A, R> batch, Consumer<List<R>> committed, int maxBatch, int maxPending) {
        this(name, batch, committed, maxBatch, Long.MAX_VALUE, append -> 0, maxPending);
    }

    /**
     * @param maxBatchBytes most bytes in one batch, as {@code bytesOf} counts them
     * @param bytesOf an append's size (an upper bound of its share of the batch's request body)
     */
    public GroupCommit(String name, Batch<A, R> batch, Consumer<List<R>> committed, int maxBatch, long maxBatchBytes,
                       ToLongFunction<A> bytesOf, int maxPending) {
        this.name = name;
        this.batch = batch;
        this.committed = committed;
        this.maxBatch = maxBatch;
        this.maxBatchBytes = maxBatchBytes;
        this.bytesOf = bytesOf;
        this.pending = new ArrayBlockingQueue<>(maxPending);
        this.writer = Thread.ofVirtual().name(name + "-writer").start(this::writeLoop);
    }

    public CompletableFuture<R> append(A append) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (closed || !pending.offer(new Pending<>(append, result))) {
            result.completeExceptionally(ProblemException.unavailable(name + " is overloaded; retry shortly"));
        }
        return result;
    }

    /** Appends queued for the writer, not yet taken into a batch. */
    public int waiting() {
        return pending.size();
    }

    private void writeLoop() {
        List<Pending<A, R>> taken = new ArrayList<>(maxBatch);
        while (true) {
            Pending<A, R> first;
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
            take(first, taken);
            commit(taken);
            taken.clear();
        }
        failRemaining();
    }

    /**
     * The first append and what waits behind it, in order, while the batch has room in count and
     * bytes. Only this (the writer) thread takes from the queue, so a peeked append is still the
     * head when it is polled.
     */
    private void take(Pending<A, R> first, List<Pending<A, R>> taken) {
        taken.add(first);
        long bytes = bytesOf.applyAsLong(first.append());
        while (taken.size() < maxBatch) {
            Pending<A, R> next = pending.peek();
            if (next == null) {
                return;
            }
            long size = bytesOf.applyAsLong(next.append());
            if (size > maxBatchBytes - bytes) {
                return;
            }
            bytes += size;
            taken.add(pending.poll());
        }
    }

    private void commit(List<Pending<A, R>> taken) {
        List<R> results;
        try {
            results = batch.commit(taken.stream().map(Pending::append).toList());
        } catch (RuntimeException e) {
            RuntimeException failure;
            if (e instanceof ProblemException refused) {
                // Already an answer for the callers (an upstream's 503): no stack trace per batch.
                LOG.warnf("%s: %d appends refused: %s", name, taken.size(), refused.getMessage());
                failure = refused;
            } else {
                LOG.errorf(e, "%s: could not commit %d appends; they fail and may be retried", name, taken.size());
                failure = e instanceof StorageException ? e : new StorageException("append failed", e);
            }
            taken.forEach(p -> p.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < taken.size(); i++) {
            taken.get(i).result().complete(results.get(i));
        }
        try {
            committed.accept(results);
        } catch (RuntimeException e) {
            // Committed is committed: gateways catch up from the log even if the bus never hears of it.
            LOG.warnf(e, "%s: committed, but handing the batch on failed", name);
        }
    }

    private void failRemaining() {
        Pending<A, R> left;
        while ((left = pending.poll()) != null) {
            left.result().completeExceptionally(ProblemException.unavailable(name + " is shutting down; retry"));
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

    private record Pending<A, R>(A append, CompletableFuture<R> result) {
    }
}
