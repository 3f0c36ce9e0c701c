package io.chorus.gateway.stream;

import io.chorus.common.naming.NameRule;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds live streams. A stream registers with the fan-out first, so nothing delivered from
 * then on is missed; then, if the client resumes, it replays from the logs what came after its
 * cursor; then it continues with the live events the fan-out queued meanwhile, skipping any the
 * replay already covered (ids only grow, so "not past the cursor" means "already sent").
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

    public Streams(Fanout fanout, Memberships memberships, LogFollower groupLog, LogFollower dmLog, Replay replay,
                   int bufferSize, int maxReplay, StreamAdmission admission) {
        this.admission = admission;
        this.fanout = fanout;
        this.memberships = memberships;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
        this.replay = replay;
        this.bufferSize = bufferSize;
        this.maxReplay = maxReplay;
    }

    /** Live messages of one group the user belongs to (membership checked by the caller). */
    public Multi<StreamItem> group(String user, String group, boolean self, String lastEventId) {
        StreamCursor resumeFrom = lastEventId == null ? null : StreamCursor.parseGroupStream(lastEventId);
        return admitted(user, () -> group(user, group, self, lastEventId, resumeFrom));
    }

    private Multi<StreamItem> group(String user, String group, boolean self, String lastEventId, StreamCursor resumeFrom) {
        Subscriber subscriber = subscriber(user, NameRule.key(group), self);
        long live = groupLog.lastWhile(() -> fanout.register(subscriber));
        StreamCursor cursor = resumeFrom != null ? resumeFrom : new StreamCursor(Math.max(live, 0), 0);
        Uni<List<LiveEvent>> missed = lastEventId == null ? Uni.createFrom().item(List.of())
                : replay.groupMessages(List.of(group), cursor.group(), maxReplay);
        return assemble(subscriber, missed, cursor, true, resumeFrom != null || live >= 0);
    }

    /** Everything for the user: messages of all their groups and their DMs. */
    public Multi<StreamItem> everything(String user, List<String> groups, boolean self, String lastEventId) {
        StreamCursor resumeFrom = lastEventId == null ? null : StreamCursor.parseUserStream(lastEventId);
        return admitted(user, () -> everything(user, groups, self, lastEventId, resumeFrom));
    }

    /**
     * Takes the user's place first (or refuses, 429/503); however the stream then ends (completed,
     * failed, the client gone) or fails to open, the place is given back.
     */
    private Multi<StreamItem> admitted(String user, Supplier<Multi<StreamItem>> open) {
        StreamAdmission.Place place = admission.admit(NameRule.key(user));
        try {
            return open.get().onTermination().invoke(place::release);
        } catch (RuntimeException e) {
            place.release();
            throw e;
        }
    }

    private Multi<StreamItem> everything(String user, List<String> groups, boolean self, String lastEventId,
                                         StreamCursor resumeFrom) {
        Subscriber subscriber = subscriber(user, null, self);
        long[] liveDm = new long[1];
        long liveGroup = groupLog.lastWhile(() -> liveDm[0] = dmLog.lastWhile(() -> fanout.register(subscriber)));
        StreamCursor cursor = resumeFrom != null ? resumeFrom
                : new StreamCursor(Math.max(liveGroup, 0), Math.max(liveDm[0], 0));
        Uni<List<LiveEvent>> missed = lastEventId == null ? Uni.createFrom().item(List.of())
                : replay.groupMessages(groups, cursor.group(), maxReplay)
                        .flatMap(groupMessages -> replay.directMessages(user, cursor.dm(), maxReplay)
                                .map(directMessages -> {
                                    List<LiveEvent> all = new ArrayList<>(groupMessages);
                                    all.addAll(directMessages);
                                    return all;
                                }));
        return assemble(subscriber, missed, cursor, false, resumeFrom != null || (liveGroup >= 0 && liveDm[0] >= 0));
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

    private Subscriber subscriber(String user, String groupKey, boolean self) {
        Subscriber[] holder = new Subscriber[1];
        holder[0] = new Subscriber(NameRule.key(user), groupKey, self, memberships, bufferSize,
                () -> fanout.unregister(holder[0]));
        return holder[0];
    }

    /**
     * @param positionKnown false in the first moments after start, before the gateway has read the
     *                      logs' heads: then there is no honest position to open the stream with
     */
    private Multi<StreamItem> assemble(Subscriber subscriber, Uni<List<LiveEvent>> missed, StreamCursor cursor,
                                       boolean groupStream, boolean positionKnown) {
        Multi<StreamItem> opening = positionKnown
                ? Multi.createFrom().item(StreamItem.cursor(groupStream ? cursor.groupStreamId() : cursor.userStreamId()))
                : Multi.createFrom().empty();
        Multi<StreamItem> events = missed
                .onFailure().invoke(() -> fanout.unregister(subscriber))
                .onItem().transformToMulti(replayed -> {
                    Multi<LiveEvent> fromLogs = Multi.createFrom().iterable(sinceJoined(subscriber.userKey(), replayed))
                            .filter(subscriber::wants);
                    if (replayed.size() >= maxReplay) {
                        // Too far behind for one go: send this much, end, and let the client resume.
                        fanout.unregister(subscriber);
                        return fromLogs;
                    }
                    return Multi.createBy().concatenating().streams(fromLogs, subscriber.events());
                })
                .filter(event -> event.isHeartbeat() || cursor.advance(event))
                .map(event -> event.isHeartbeat() ? StreamItem.HEARTBEAT
                        : new StreamItem(groupStream ? cursor.groupStreamId() : cursor.userStreamId(),
                                event.type(), event.json()))
                // A subscriber cut off for falling behind gets a clean end of stream, then resumes.
                .onFailure(BackPressureFailure.class).recoverWithCompletion()
                .onTermination().invoke(() -> fanout.unregister(subscriber));
        return Multi.createBy().concatenating().streams(opening, events);
    }
}
