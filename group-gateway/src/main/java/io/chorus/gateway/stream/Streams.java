package io.chorus.gateway.stream;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens live streams. A stream registers with the fan-out first, so nothing delivered from then
 * on is missed; then, if the client resumes, it replays from the logs what came after its cursor,
 * a page at a time as its connection drains ({@link PagedReplay}); then it writes the live events
 * that waited meanwhile, skipping any the replay already covered (ids only grow, so "not past the
 * cursor" means "already sent"). Nothing here blocks: the replay is asynchronous reads, and the
 * rest is memory.
 */
public class Streams {

    private final Fanout fanout;
    private final Memberships memberships;
    private final LogFollower groupLog;
    private final LogFollower dmLog;
    private final Replay replay;
    private final StreamBounds bounds;
    private final StreamAdmission admission;
    private final Holders holders;
    private final RetryWindow retry;

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
                   StreamBounds bounds, StreamAdmission admission) {
        this(fanout, memberships, groupLog, dmLog, replay, bounds, admission, Holders.NONE);
    }

    public Streams(Fanout fanout, Memberships memberships, LogFollower groupLog, LogFollower dmLog, Replay replay,
                   StreamBounds bounds, StreamAdmission admission, Holders holders) {
        this(fanout, memberships, groupLog, dmLog, replay, bounds, admission, holders, RetryWindow.NONE);
    }

    /** @param retry the reconnection time each stream's opening tells its client */
    public Streams(Fanout fanout, Memberships memberships, LogFollower groupLog, LogFollower dmLog, Replay replay,
                   StreamBounds bounds, StreamAdmission admission, Holders holders, RetryWindow retry) {
        this.retry = retry;
        this.admission = admission;
        this.holders = holders;
        this.fanout = fanout;
        this.memberships = memberships;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
        this.replay = replay;
        this.bounds = bounds;
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
        List<String> groups = List.of(group);
        return admitted(user, NameRule.key(group), self, sink, loop, onEnd, groups, null, (subscriber, paged) -> {
            long live = groupLog.lastWhile(() -> fanout.register(subscriber));
            StreamCursor cursor = resumeFrom != null ? resumeFrom : new StreamCursor(Math.max(live, 0), 0);
            sink.open(SseFrames.opening(resumeFrom != null || live >= 0 ? cursor.groupStreamId() : null, retry));
            begin(subscriber, loop, cursor, resumeFrom != null ? paged : null);
        });
    }

    /** Everything for the user: events of all their groups (named by {@code groups}) and their DMs. */
    public Subscriber everything(String user, List<String> groups, boolean self, String lastEventId, StreamSink sink,
                                 LoopWriter loop, Runnable onEnd) {
        StreamCursor resumeFrom = lastEventId == null ? null : StreamCursor.parseUserStream(lastEventId);
        return admitted(user, null, self, sink, loop, onEnd, groups, user, (subscriber, paged) -> {
            long[] liveDm = new long[1];
            long liveGroup = groupLog.lastWhile(() -> liveDm[0] = dmLog.lastWhile(() -> fanout.register(subscriber)));
            StreamCursor cursor = resumeFrom != null ? resumeFrom
                    : new StreamCursor(Math.max(liveGroup, 0), Math.max(liveDm[0], 0));
            sink.open(SseFrames.opening(resumeFrom != null || (liveGroup >= 0 && liveDm[0] >= 0)
                    ? cursor.userStreamId() : null, retry));
            begin(subscriber, loop, cursor, resumeFrom != null ? paged : null);
        });
    }

    private interface Opening {
        void open(Subscriber subscriber, PagedReplay paged);
    }

    /**
     * Takes the user's place first (or refuses, 429/503); however the stream then ends or fails
     * to open, the place is given back, the stream leaves the fan-out, and its replay's room is
     * given back.
     */
    private Subscriber admitted(String user, String groupKey, boolean self, StreamSink sink, LoopWriter loop,
                                Runnable onEnd, List<String> replayGroups, String replayDms, Opening opening) {
        if (!groupLog.isStarted()) {
            // Until the follower knows the log's head the gateway is not ready: a stream taken
            // now would replay through a gateway still starting, and in a restart storm those
            // replays are what keeps it from becoming ready. The client retries in a second,
            // from its last event id, so nothing is missed.
            throw ProblemException.unavailable("this gateway is starting; resume from your last event id in a moment", 1);
        }
        StreamAdmission.Place place = admission.admit(NameRule.key(user));
        Subscriber subscriber = new Subscriber(NameRule.key(user), groupKey, self, memberships, bounds, sink, loop);
        PagedReplay paged = new PagedReplay(subscriber, loop, replay, admission.replayRoom(), bounds.maxReplay(),
                replayGroups, replayDms);
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
            paged.ended();
            letGo.run();
            onEnd.run();
        });
        try {
            opening.open(subscriber, paged);
        } catch (RuntimeException e) {
            fanout.unregister(subscriber);
            place.release();
            letGo.run();
            throw e;
        }
        return subscriber;
    }

    /** Starts the stream on its loop: live at once, or after its replay. */
    private static void begin(Subscriber subscriber, LoopWriter loop, StreamCursor cursor, PagedReplay paged) {
        if (paged == null) {
            loop.execute(() -> subscriber.start(cursor));
        } else {
            paged.start(cursor);
        }
    }
}
