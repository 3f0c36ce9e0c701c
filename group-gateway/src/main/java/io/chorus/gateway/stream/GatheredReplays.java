package io.chorus.gateway.stream;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams that resume from the same cursor of the same groups within a few milliseconds share
 * one read of the log. After a gateway restart, every client of a group comes back with the same
 * Last-Event-ID at once: ten thousand replays of one range would otherwise be ten thousand calls
 * to history-service, which time out behind each other (measured: 745 timeouts and 80 s before
 * the gateway was ready again, docs/performance.md).
 *
 * <p>Nothing is missed by sharing: a stream registers with the fan-out before it asks for its
 * replay, and a read is joined only while it has not started (it starts {@code window} after the
 * first ask, and leaves the gathering first), so every stream that shares a read registered
 * before the read began. What the read cannot see any more arrives live.
 */
public final class GatheredReplays {

    /** The read that is shared: one page. */
    public interface Read {
        Uni<ReplayPage> read(List<String> groups, long after);
    }

    private record Key(List<String> groups, long after) {
    }

    private final Read read;
    private final Duration window;
    private final ConcurrentHashMap<Key, Uni<ReplayPage>> gathering = new ConcurrentHashMap<>();

    public GatheredReplays(Read read, Duration window) {
        this.read = read;
        this.window = window;
    }

    /**
     * A page of the replay; the caller registered its stream before asking, and subscribes at
     * once. Streams that drain alike go on sharing: their next pages start after the same entry.
     */
    public Uni<ReplayPage> groupPage(List<String> groups, long after) {
        return gathering.computeIfAbsent(new Key(List.copyOf(groups), after), this::gather);
    }

    private Uni<ReplayPage> gather(Key key) {
        AtomicReference<Uni<ReplayPage>> self = new AtomicReference<>();
        Uni<ReplayPage> shared = Uni.createFrom().voidItem()
                .onItem().delayIt().by(window)
                .onItem().transformToUni(ignored -> {
                    // From here on, a stream asking for this range starts a read of its own.
                    gathering.remove(key, self.get());
                    return read.read(key.groups(), key.after());
                })
                .memoize().indefinitely();
        self.set(shared);
        return shared;
    }

    /** Ranges waiting for their read to start (for tests and metrics). */
    int gathering() {
        return gathering.size();
    }
}
