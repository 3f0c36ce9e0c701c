package io.chorus.gateway.stream;

import io.chorus.common.naming.NameRule;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens live streams. A stream registers with the fan-out first, so nothing delivered from then
 * on is missed; then, if the client resumes, it replays from the logs what came after its cursor;
 * then it writes the live events that waited meanwhile, skipping any the replay already covered
 * (ids only grow, so "not past the cursor" means "already sent"). Nothing here blocks: the replay
 * is an asynchronous read, and the rest is memory.
 */
public class Streams {

    private final Fanout fanout;
    private final Memberships memberships;
    private final LogFollower groupLog;
    private final LogFollower dmLog;
    private final Replay replay;
    private final int bufferSize;
    private final int maxReplay;
    private final StreamAdmission admission;
    private final Holders holders;

    /** Told of every stream a user opens and of its end (presence counts them). */
    public interface Holders {
        Holders NONE = new Holders() {
            @Override
            public void opened(String user) {
            }

            @Override
            public void closed(String user) {
            }
        };

        void opened(String user);

        void closed(String user);
    }

    public Streams(Fanout fanout, Memberships memberships, LogFollower groupLog, LogFollower dmLog, Replay replay,
                   int bufferSize, int maxReplay, StreamAdmission admission) {
        this(fanout, memberships, groupLog, dmLog, replay, bufferSize, maxReplay, admission, Holders.NONE);
    }

    public Streams(Fanout fanout, Memberships memberships, LogFollower groupLog, LogFollower dmLog, Replay replay,
                   int bufferSize, int maxReplay, StreamAdmission admission, Holders holders) {
        this.admission = admission;
        this.holders = holders;
        this.fanout = fanout;
        this.memberships = memberships;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
        this.replay = replay;
        this.bufferSize = bufferSize;
        this.maxReplay = maxReplay;
    }

    /**
     * Live events of one group the user belongs to (membership checked by the caller). Throws a
     * problem (400 bad cursor, 429, 503 at capacity) before anything is written.
     *
     * @param onEnd runs once when the stream ends, however it ends
     */
    public Subscriber group(String user, String group, boolean self, String lastEventId, StreamSink sink,
                            LoopWriter loop, Runnable onEnd) {
        StreamCursor resumeFrom = lastEventId == null ? null : StreamCursor.parseGroupStream(lastEventId);
        return admitted(user, NameRule.key(group), self, sink, loop, onEnd, subscriber -> {
            long live = groupLog.lastWhile(() -> fanout.register(subscriber));
            StreamCursor cursor = resumeFrom != null ? resumeFrom : new StreamCursor(Math.max(live, 0), 0);
            sink.open(resumeFrom != null || live >= 0 ? SseFrames.cursor(cursor.groupStreamId()) : null);
            Uni<List<LiveEvent>> missed = resumeFrom == null ? null
                    : replay.groupMessages(List.of(group), cursor.group(), maxReplay);
            begin(subscriber, loop, cursor, missed);
        });
    }

    /** Everything for the user: events of all their groups (named by {@code groups}) and their DMs. */
    public Subscriber everything(String user, List<String> groups, boolean self, String lastEventId, StreamSink sink,
                                 LoopWriter loop, Runnable onEnd) {
        StreamCursor resumeFrom = lastEventId == null ? null : StreamCursor.parseUserStream(lastEventId);
        return admitted(user, null, self, sink, loop, onEnd, subscriber -> {
            long[] liveDm = new long[1];
            long liveGroup = groupLog.lastWhile(() -> liveDm[0] = dmLog.lastWhile(() -> fanout.register(subscriber)));
            StreamCursor cursor = resumeFrom != null ? resumeFrom
                    : new StreamCursor(Math.max(liveGroup, 0), Math.max(liveDm[0], 0));
            sink.open(resumeFrom != null || (liveGroup >= 0 && liveDm[0] >= 0)
                    ? SseFrames.cursor(cursor.userStreamId()) : null);
            Uni<List<LiveEvent>> missed = resumeFrom == null ? null
                    : replay.groupMessages(groups, cursor.group(), maxReplay)
                            .flatMap(groupMessages -> replay.directMessages(user, cursor.dm(), maxReplay)
                                    .map(directMessages -> {
                                        List<LiveEvent> all = new ArrayList<>(groupMessages);
                                        all.addAll(directMessages);
                                        return all;
                                    }));
            begin(subscriber, loop, cursor, missed);
        });
    }

    private interface Opening {
        void open(Subscriber subscriber);
    }

    /**
     * Takes the user's place first (or refuses, 429/503); however the stream then ends or fails
     * to open, the place is given back and the stream leaves the fan-out.
     */
    private Subscriber admitted(String user, String groupKey, boolean self, StreamSink sink, LoopWriter loop,
                                Runnable onEnd, Opening opening) {
        StreamAdmission.Place place = admission.admit(NameRule.key(user));
        Subscriber subscriber = new Subscriber(NameRule.key(user), groupKey, self, memberships, bufferSize, sink, loop);
        holders.opened(user);
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable letGo = () -> {
            if (held.compareAndSet(true, false)) {
                holders.closed(user);
            }
        };
        subscriber.onEnd(() -> {
            fanout.unregister(subscriber);
            place.release();
            letGo.run();
            onEnd.run();
        });
        try {
            opening.open(subscriber);
        } catch (RuntimeException e) {
            fanout.unregister(subscriber);
            place.release();
            letGo.run();
            throw e;
        }
        return subscriber;
    }

    /** Starts the stream on its loop once what it missed (if it resumes) has been read. */
    private void begin(Subscriber subscriber, LoopWriter loop, StreamCursor cursor, Uni<List<LiveEvent>> missed) {
        if (missed == null) {
            loop.execute(() -> subscriber.start(cursor, List.of(), false));
            return;
        }
        missed.subscribe().with(
                replayed -> loop.execute(() -> subscriber.start(cursor, sinceJoined(subscriber.userKey(), replayed),
                        replayed.size() >= maxReplay)),
                failure -> loop.execute(subscriber::failed));
    }

    /**
     * Replay reads the caller's groups as they are now; of a group they joined within the
     * replayed range, only what comes from their (latest) join on belongs to them.
     */
    static List<LiveEvent> sinceJoined(String userKey, List<LiveEvent> replayed) {
        Map<String, Long> joinedAt = new HashMap<>();
        for (LiveEvent event : replayed) {
            if (event.isJoin() && userKey.equals(event.senderKey())) {
                joinedAt.put(event.groupKey(), event.position());
            }
        }
        if (joinedAt.isEmpty()) {
            return replayed;
        }
        return replayed.stream()
                .filter(event -> event.log() != LiveEvent.Log.GROUP
                        || event.position() >= joinedAt.getOrDefault(event.groupKey(), 0L))
                .toList();
    }
}
