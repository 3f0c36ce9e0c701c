package io.chorus.history.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.log.Appended;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.LogStore;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.common.error.ProblemException;
import io.chorus.history.service.Append;
import io.chorus.history.service.MessageChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The group log on the shared {@link LogStore}: the filters this log is read by. */
@ApplicationScoped
public class MessageRepository {

    private static final LogFilter MESSAGES = LogFilter.where("kind = ?", GroupLogEntry.MESSAGE);
    private static final LogFilter MEMBERSHIP = LogFilter.where("kind IN (?, ?)", GroupLogEntry.JOINED, GroupLogEntry.LEFT);

    private static final GroupLogSchema SCHEMA = new GroupLogSchema();

    private final LogStore<Append, GroupLogEntry> store;

    public MessageRepository(AgroalDataSource dataSource) {
        this.store = new LogStore<>(dataSource, SCHEMA);
    }

    /** Appends a batch in one transaction; one result per append, in order. */
    public List<Appended<GroupLogEntry>> append(List<Append> appends) {
        return store.append(appends);
    }

    /**
     * Appends the edit of a message (its sender only, see {@link MessageChanges}) and updates the
     * message's row, in one transaction under the head lock. 404 if the group has no message
     * with that id.
     */
    public GroupLogEntry edit(String group, long id, String actor, String text) {
        return store.amend((connection, position, at) -> {
            GroupLogEntry entry = MessageChanges.edit(find(connection, group, id), actor, text, position, at);
            store.applyEdit(connection, id, text, at);
            return entry;
        });
    }

    /**
     * Appends the delete of a message (its sender or the group's owner) and turns the message
     * and its earlier edits into tombstones without text. Null if it was deleted already.
     */
    public GroupLogEntry delete(String group, long id, String actor, boolean actorOwnsGroup) {
        return store.amend((connection, position, at) -> {
            GroupLogEntry entry = MessageChanges.delete(find(connection, group, id), actor, actorOwnsGroup, position);
            if (entry != null) {
                store.applyDelete(connection, id);
            }
            return entry;
        });
    }

    /**
     * A page of one group's messages (not its joins, leaves, edits or deletes), each as it now
     * is, oldest first; see {@link LogStore#page}. With a search, only those it matches.
     */
    public List<GroupMessage> page(String group, Long before, Long after, int limit, LogFilter search) {
        LogFilter filter = inGroup(group).and(MESSAGES);
        return store.page(search == null ? filter : filter.and(search), before, after, limit).stream()
                .map(GroupLogEntry::message).toList();
    }

    /**
     * Entries after a position, oldest first: of every group when {@code groups} is null; only
     * joins and leaves when {@code membershipOnly} (gateways rebuild their membership from them);
     * at most {@code bytes} of text and one entry more when {@code bytes} is positive.
     */
    public List<GroupLogEntry> after(long position, List<String> groups, boolean membershipOnly, int limit, int bytes) {
        LogFilter filter = groups == null ? LogFilter.ALL
                : LogFilter.where("group_key = ANY (?)", (Object) groups.stream().map(NameRule::key).toArray(String[]::new));
        return store.after(position, membershipOnly ? filter.and(MEMBERSHIP) : filter, limit, bytes);
    }

    /** The position of the newest committed entry (0 for an empty log). */
    public long head() {
        return store.head();
    }

    /** The entry at a position, if it belongs to the group (locked: the change is decided on it). */
    private static GroupLogEntry find(Connection connection, String group, long id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + SCHEMA.columns()
                + " FROM messages WHERE id = ? AND group_key = ? FOR UPDATE")) {
            query.setLong(1, id);
            query.setString(2, NameRule.key(group));
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw ProblemException.notFound("no message " + id + " in group '" + group + "'");
                }
                return GroupLogSchema.fromRow(row);
            }
        }
    }

    private static LogFilter inGroup(String group) {
        return LogFilter.where("group_key = ?", NameRule.key(group));
    }
}
