package io.chorus.gateway.stream;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Reads what a resuming subscriber missed from the durable logs, a page at a time, oldest first.
 * A stream asks for its next page only once its connection has taken the last one, so what a
 * replay holds in memory is one page, however long the history and however slow the reader.
 */
public interface Replay {

    /** The page of group log entries after {@code after} in the named groups. */
    Uni<ReplayPage> groupPage(List<String> groups, long after);

    /** The page of DMs (and their changes) after {@code after} that the user sent or received. */
    Uni<ReplayPage> dmPage(String user, long after);
}
