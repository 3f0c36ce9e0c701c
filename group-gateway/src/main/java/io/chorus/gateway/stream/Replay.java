package io.chorus.gateway.stream;

import io.smallrye.mutiny.Uni;
import java.util.List;

/** Reads what a resuming subscriber missed from the durable logs, oldest first. */
public interface Replay {

    /** Group messages after {@code after} in the named groups, at most {@code max}. */
    Uni<List<LiveEvent>> groupMessages(List<String> groups, long after, int max);

    /** DMs after {@code after} that the user sent or received, at most {@code max}. */
    Uni<List<LiveEvent>> directMessages(String user, long after, int max);
}
