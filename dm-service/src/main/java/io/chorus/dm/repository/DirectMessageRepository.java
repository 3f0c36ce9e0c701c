package io.chorus.dm.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.log.LogHead;
import io.chorus.common.message.DirectMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.service.Conversation;
import io.chorus.dm.service.Send;
import io.chorus.dm.service.Sent;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The DM log, its head and the conversation index. Blocking JDBC, called from virtual threads. */
@ApplicationScoped
public class DirectMessageRepository {

    private static final String COLUMNS = "m.id, m.from_name, m.to_name, m.text, m.sent_at";

    private final AgroalDataSource dataSource;

    public DirectMessageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores a batch of DMs in one transaction (group commit). The log_head row lock serialises
     * writers (also across replicas), so ids are contiguous and commit in order, and the clientId
     * checks below cannot race another send with the same clientId. One result per send, in order.
     */
    public List<Sent> append(List<Send> sends) {
        return LogHead.inTransaction(dataSource, "store direct messages", connection -> appendInTransaction(connection, sends));
    }

    private List<Sent> appendInTransaction(Connection connection, List<Send> sends) throws SQLException {
        long position = LogHead.lock(connection);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<Sent> results = new ArrayList<>(sends.size());
        // Retries inside one batch are answered by the first copy in that batch.
        Map<String, DirectMessage> createdHere = new HashMap<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO direct_messages (id, from_name, from_key, to_name, to_key, text, client_id, sent_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO conversations (owner_key, peer_key, peer, last_id) VALUES (?, ?, ?, ?), (?, ?, ?, ?) "
                        + "ON CONFLICT (owner_key, peer_key) DO UPDATE SET peer = EXCLUDED.peer, last_id = EXCLUDED.last_id")) {
            for (Send send : sends) {
                String idempotencyKey = send.clientId() == null ? null : NameRule.key(send.from()) + "/" + send.clientId();
                Optional<DirectMessage> earlier = idempotencyKey == null ? Optional.empty()
                        : Optional.ofNullable(createdHere.get(idempotencyKey))
                                .or(() -> findByClientId(connection, send.from(), send.clientId()));
                if (earlier.isPresent()) {
                    results.add(new Sent(earlier.get(), false));
                    continue;
                }
                DirectMessage message = new DirectMessage(++position, send.from(), send.to(), send.text(), now);
                insert.setLong(1, message.id());
                insert.setString(2, message.from());
                insert.setString(3, NameRule.key(message.from()));
                insert.setString(4, message.to());
                insert.setString(5, NameRule.key(message.to()));
                insert.setString(6, message.text());
                insert.setString(7, send.clientId());
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
                upsert.setString(1, NameRule.key(message.from()));
                upsert.setString(2, NameRule.key(message.to()));
                upsert.setString(3, message.to());
                upsert.setLong(4, message.id());
                upsert.setString(5, NameRule.key(message.to()));
                upsert.setString(6, NameRule.key(message.from()));
                upsert.setString(7, message.from());
                upsert.setLong(8, message.id());
                upsert.executeUpdate();
                if (idempotencyKey != null) {
                    createdHere.put(idempotencyKey, message);
                }
                results.add(new Sent(message, true));
            }
        }
        LogHead.advance(connection, position);
        return results;
    }

    private static Optional<DirectMessage> findByClientId(Connection connection, String from, String clientId) {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM direct_messages m WHERE m.from_key = ? AND m.client_id = ?")) {
            query.setString(1, NameRule.key(from));
            query.setString(2, clientId);
            return read(query).stream().findFirst();
        } catch (SQLException e) {
            throw new StorageException("cannot look up clientId", e);
        }
    }

    /**
     * A page of the conversation between two users, oldest first. With {@code after}: the first
     * {@code limit} after it. Otherwise the last {@code limit} before {@code before} (or the newest).
     * Both parties are named in the query, so no page can hold a third user's messages.
     */
    public List<DirectMessage> conversation(String user, String peer, Long before, Long after, int limit) {
        boolean forward = after != null;
        String sql = "SELECT " + COLUMNS + " FROM direct_messages m"
                + " WHERE m.pair_key = LEAST(?, ?) || '/' || GREATEST(?, ?)"
                + (after != null ? " AND m.id > ?" : "")
                + (before != null ? " AND m.id < ?" : "")
                + " ORDER BY m.id " + (forward ? "ASC" : "DESC") + " LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            String userKey = NameRule.key(user);
            String peerKey = NameRule.key(peer);
            int i = 1;
            query.setString(i++, userKey);
            query.setString(i++, peerKey);
            query.setString(i++, userKey);
            query.setString(i++, peerKey);
            if (after != null) {
                query.setLong(i++, after);
            }
            if (before != null) {
                query.setLong(i++, before);
            }
            query.setInt(i, limit);
            List<DirectMessage> messages = read(query);
            if (!forward) {
                Collections.reverse(messages);
            }
            return messages;
        } catch (SQLException e) {
            throw new StorageException("cannot read the conversation", e);
        }
    }

    /** A user's conversations, newest first; {@code before} is a last-message id to page on from. */
    public List<Conversation> conversations(String user, Long before, int limit) {
        String sql = "SELECT c.peer, " + COLUMNS + " FROM conversations c"
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
                    conversations.add(new Conversation(rows.getString("peer"), message(rows)));
                }
            }
            return conversations;
        } catch (SQLException e) {
            throw new StorageException("cannot read conversations", e);
        }
    }

    /** DMs after a position, oldest first: those the user sent or received, or all when {@code user} is null. */
    public List<DirectMessage> after(long position, String user, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM direct_messages m WHERE m.id > ?"
                + (user == null ? "" : " AND (m.to_key = ? OR m.from_key = ?)")
                + " ORDER BY m.id ASC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setLong(i++, position);
            if (user != null) {
                query.setString(i++, NameRule.key(user));
                query.setString(i++, NameRule.key(user));
            }
            query.setInt(i, limit);
            return read(query);
        } catch (SQLException e) {
            throw new StorageException("cannot read the DM log", e);
        }
    }

    /** The id of the newest committed DM (0 for an empty log). */
    public long head() {
        return LogHead.read(dataSource);
    }

    private static List<DirectMessage> read(PreparedStatement query) throws SQLException {
        List<DirectMessage> messages = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                messages.add(message(rows));
            }
        }
        return messages;
    }

    private static DirectMessage message(ResultSet row) throws SQLException {
        return new DirectMessage(row.getLong("id"), row.getString("from_name"), row.getString("to_name"),
                row.getString("text"), row.getTimestamp("sent_at").toInstant());
    }
}
