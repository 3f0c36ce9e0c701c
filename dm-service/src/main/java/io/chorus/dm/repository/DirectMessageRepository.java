package io.chorus.dm.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.log.Appended;
import io.chorus.common.log.LogFilter;
import io.chorus.common.log.LogStore;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.service.Conversation;
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
    private final LogStore<Send, DirectMessage> store;

    public DirectMessageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
        this.store = new LogStore<>(dataSource, schema);
    }

    /** Stores a batch of DMs in one transaction (group commit); one result per send, in order. */
    public List<Appended<DirectMessage>> append(List<Send> sends) {
        return store.append(sends);
    }

    /**
     * A page of the conversation between two users, oldest first; see {@link LogStore#page}.
     * Both parties are named in the query, so no page can hold a third user's messages.
     */
    public List<DirectMessage> conversation(String user, String peer, Long before, Long after, int limit) {
        String userKey = NameRule.key(user);
        String peerKey = NameRule.key(peer);
        LogFilter pair = LogFilter.where("pair_key = LEAST(?, ?) || '/' || GREATEST(?, ?)", userKey, peerKey, userKey, peerKey);
        return store.page(pair, before, after, limit);
    }

    /** A user's conversations, newest first; {@code before} is a last-message id to page on from. */
    public List<Conversation> conversations(String user, Long before, int limit) {
        // The log's columns are unambiguous beside the index's (owner_key, peer_key, peer, last_id).
        String sql = "SELECT c.peer, " + DmLogSchema.COLUMNS + " FROM conversations c"
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
                    conversations.add(new Conversation(rows.getString("peer"), schema.read(rows)));
                }
            }
            return conversations;
        } catch (SQLException e) {
            throw new StorageException("cannot read conversations", e);
        }
    }

    /** DMs after a position, oldest first: those the user sent or received, or all when {@code user} is null. */
    public List<DirectMessage> after(long position, String user, int limit) {
        LogFilter filter = user == null ? LogFilter.ALL
                : LogFilter.where("to_key = ? OR from_key = ?", NameRule.key(user), NameRule.key(user));
        return store.after(position, filter, limit);
    }

    /** The id of the newest committed DM (0 for an empty log). */
    public long head() {
        return store.head();
    }
}
