package io.chorus.gateway.stream;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One resuming stream's replay, read a page at a time: a page is read only once there is room
 * for it in the gateway ({@link ReplayRoom}) and the connection has taken the page before, so a
 * stream holds at most one page however long the history it missed and however slowly its
 * client reads. Group pages come first, then (an everything-stream) the DM pages; the two logs
 * have cursors of their own. Everything but the reads runs on the stream's loop.
 */
final class PagedReplay {

    private final Subscriber subscriber;
    private final LoopWriter loop;
    private final Replay replay;
    private final ReplayRoom room;
    private final int maxReplay;
    private final List<String> groups;
    /** The user whose DMs follow the group pages; null for a group stream. */
    private final String dmUser;
    private final AtomicBoolean holdsRoom = new AtomicBoolean();

    // The loop's alone.
    private long groupAfter;
    private long dmAfter;
    private boolean groupsDone;
    private boolean dmsDone;
    private int replayed;

    PagedReplay(Subscriber subscriber, LoopWriter loop, Replay replay, ReplayRoom room, int maxReplay,
                List<String> groups, String dmUser) {
        this.subscriber = subscriber;
        this.loop = loop;
        this.replay = replay;
        this.room = room;
        this.maxReplay = maxReplay;
        this.groups = List.copyOf(groups);
        this.dmUser = dmUser;
    }

    /** Starts from the cursor (on any thread; the work goes to the stream's loop). */
    void start(StreamCursor cursor) {
        loop.execute(() -> {
            subscriber.startReplay(cursor);
            groupAfter = cursor.group();
            dmAfter = cursor.dm();
            groupsDone = groups.isEmpty();
            dmsDone = dmUser == null;
            next();
        });
    }

    /** The stream ended, however: the room its page held is given back. */
    void ended() {
        giveBack();
    }

    private void next() {
        if (subscriber.isEnded()) {
            return;
        }
        if (groupsDone && dmsDone) {
            subscriber.goLive();
        } else if (replayed >= maxReplay) {
            // Enough for one connection: the client resumes for the rest.
            subscriber.endReplay();
        } else {
            room.take(() -> loop.execute(this::read));
        }
    }

    private void read() {
        holdsRoom.set(true);
        if (subscriber.isEnded()) {
            giveBack();
            return;
        }
        boolean groupPage = !groupsDone;
        (groupPage ? replay.groupPage(groups, groupAfter) : replay.dmPage(dmUser, dmAfter))
                .subscribe().with(
                        page -> loop.execute(() -> write(groupPage, page)),
                        failure -> loop.execute(() -> {
                            // The client retries from its cursor.
                            giveBack();
                            subscriber.failed();
                        }));
    }

    private void write(boolean groupPage, ReplayPage page) {
        if (subscriber.isEnded()) {
            giveBack();
            return;
        }
        subscriber.writeReplayed(page.events());
        replayed += page.events().size();
        if (groupPage) {
            groupAfter = page.events().isEmpty() ? groupAfter : page.last();
            groupsDone = !page.more();
        } else {
            dmAfter = page.events().isEmpty() ? dmAfter : page.last();
            dmsDone = !page.more();
        }
        if (subscriber.drained()) {
            giveBack();
            next();
        } else {
            subscriber.whenDrained(() -> {
                giveBack();
                next();
            });
        }
    }

    private void giveBack() {
        if (holdsRoom.compareAndSet(true, false)) {
            room.giveBack();
        }
    }
}
