package io.chorus.dm.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.log.Appended;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.LogStore;
import io.chorus.common.error.ProblemException;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.service.Conversation;
import io.chorus.dm.service.DmChanges;
import io.chorus.dm.service.Send;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The DM log on the shared {@link LogStore} (the filters this log is read by), and the
 * conversation index its appends keep.
 */
@ApplicationScoped
public class DirectMessageRepository {

    private final AgroalDataSource dataSource;
    private final DmLogSchema schema = new DmLogSchema();
    private static final LogFilter MESSAGES = LogFilter.where("kind = ?", DmLogEntry.MESSAGE);

    private final LogStore<Send, DmLogEntry> store;

    public DirectMessageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new LogStore<>(dataSource, schema);
    }

    /** Stores a batch of DMs in one transaction (group commit); one result per send, in order. */
    public List<Appended<DmLogEntry>> append(List<Send> sends) {
        return store.append(sends);
    }

    /**
     * Appends the edit of a DM (its sender only, see {@link DmChanges}) and updates the DM's row,
     * in one transaction under the head lock. 404 unless the DM is one of the user's with the peer.
     */
    public DmLogEntry edit(String user, String peer, long id, String text) {
        return store.amend((connection, position, at) -> {
            DmLogEntry entry = DmChanges.edit(find(connection, user, peer, id), user, text, position, at);
            store.applyEdit(connection, id, text, at);
            return entry;
        });
    }

    /** Appends the delete of a DM (its sender only); it and its edits become tombstones. Null if it was one already. */
    public DmLogEntry delete(String user, String peer, long id) {
        return store.amend((connection, position, at) -> {
            DmLogEntry entry = DmChanges.delete(find(connection, user, peer, id), user, position);
            if (entry != null) {
                store.applyDelete(connection, id);
            }
            return entry;
        });
    }

    /**
     * A page of the conversation between two users, oldest first; see {@link LogStore#page}.
     * Both parties are named in the query, so no page can hold a third user's messages. Each DM
     * shows as it now is; with a search, only those it matches.
     */
    public List<DirectMessage> conversation(String user, String peer, Long before, Long after, int limit, LogFilter search) {
        LogFilter filter = pair(user, peer).and(MESSAGES);
        return store.page(search == null ? filter : filter.and(search), before, after, limit).stream()
                .map(DmLogEntry::message).toList();
    }

    /**
     * Moves the user's read marker in the conversation forward to {@code upTo}; an older id
     * changes nothing, one past the newest DM is taken as the newest. False if there is no
     * conversation with the peer yet.
     */
    public boolean markRead(String user, String peer, long upTo) {
        String sql = "UPDATE conversations SET last_read = GREATEST(COALESCE(last_read, 0), LEAST(?, last_id))"
                + " WHERE owner_key = ? AND peer_key = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, upTo);
            update.setString(2, NameRule.key(user));
            update.setString(3, NameRule.key(peer));
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot move a read marker", e);
        }
    }

    /** A user's conversations, newest first; {@code before} is a last-message id to page on from. */
    public List<Conversation> conversations(String user, Long before, int limit) {
        // The log's columns are unambiguous beside the index's (owner_key, peer_key, peer, last_id).
        // The unread count reads only the peer's DMs after the marker, from an index.
        String sql = "SELECT c.peer, c.last_read, " + DmLogSchema.COLUMNS + ", (SELECT count(*) FROM direct_messages d"
                + " WHERE d.pair_key = m.pair_key AND d.kind = 'message' AND NOT d.deleted AND d.from_key = c.peer_key"
                + " AND d.id > COALESCE(c.last_read, 0)) AS unread FROM conversations c"
                + " JOIN direct_messages m ON m.id = c.last_id"
                + " WHERE c.owner_key = ?" + (before != null ? " AND c.last_id < ?" : "")
                + " ORDER BY c.last_id DESC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, NameRule.key(user));
            if (before != null) {
                query.setLong(i++, before);
            }
            query.setInt(i, limit);
            List<Conversation> conversations = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    conversations.add(new Conversation(rows.getString("peer"), schema.read(rows).message(),
                            rows.getLong("unread"), LogStore.longOrNull(rows, "last_read")));
                }
            }
            return conversations;
        } catch (SQLException e) {
            throw new StorageException("cannot read conversations", e);
        }
    }

    /**
     * Entries after a position, oldest first (DMs, edits, deletes): those the user sent or
     * received, or all when {@code user} is null; at most {@code bytes} of text and one entry
     * more when {@code bytes} is positive.
     */
    public List<DmLogEntry> after(long position, String user, int limit, int bytes) {
        LogFilter filter = user == null ? LogFilter.ALL
                : LogFilter.where("to_key = ? OR from_key = ?", NameRule.key(user), NameRule.key(user));
        return store.after(position, filter, limit, bytes);
    }

    private static LogFilter pair(String user, String peer) {
        String userKey = NameRule.key(user);
        String peerKey = NameRule.key(peer);
        return LogFilter.where("pair_key = LEAST(?, ?) || '/' || GREATEST(?, ?)", userKey, peerKey, userKey, peerKey);
    }

    /** The entry at a position, if it is between the two users (locked: the change is decided on it). */
    private DmLogEntry find(Connection connection, String user, String peer, long id) throws SQLException {
        LogFilter filter = pair(user, peer);
        try (PreparedStatement query = connection.prepareStatement("SELECT " + DmLogSchema.COLUMNS
                + " FROM direct_messages WHERE id = ? AND " + filter.condition() + " FOR UPDATE")) {
            query.setLong(1, id);
            int i = 2;
            for (Object parameter : filter.parameters()) {
                query.setObject(i++, parameter);
            }
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    throw ProblemException.notFound("no message " + id + " between you and '" + peer + "'");
                }
                return schema.read(row);
            }
        }
    }

    /** The id of the newest committed DM (0 for an empty log). */
    public long head() {
        return store.head();
    }
}
