package io.chorus.history.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.log.LogHead;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.message.GroupMessage;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import io.chorus.history.service.Appended;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
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

/** The messages table and its log head. Blocking JDBC, called from the writer or worker threads. */
@ApplicationScoped
public class MessageRepository {

    private static final String COLUMNS = "id, kind, group_name, sender, text, sent_at";

    private final AgroalDataSource dataSource;

    public MessageRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Appends a batch in one transaction. The log_head row lock serialises writers (also across
     * replicas), so positions are contiguous and commit in order. Returns one result per append,
     * in the same order.
     */
    public List<Appended> append(List<Append> appends) {
        return LogHead.inTransaction(dataSource, "append messages", connection -> appendInTransaction(connection, appends));
    }

    private List<Appended> appendInTransaction(Connection connection, List<Append> appends) throws SQLException {
        long position = LogHead.lock(connection);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<Appended> results = new ArrayList<>(appends.size());
        // Retries inside one batch are answered by the first copy in that batch.
        Map<String, GroupLogEntry> createdHere = new HashMap<>();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO messages (id, kind, group_name, group_key, sender, sender_key, text, client_id, sent_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Append append : appends) {
                String idempotencyKey = append.clientId() == null ? null
                        : NameRule.key(append.group()) + "/" + NameRule.key(append.sender()) + "/" + append.clientId();
                Optional<GroupLogEntry> earlier = idempotencyKey == null ? Optional.empty()
                        : Optional.ofNullable(createdHere.get(idempotencyKey))
                                .or(() -> findByClientId(connection, append));
                if (earlier.isPresent()) {
                    results.add(new Appended(earlier.get(), false));
                    continue;
                }
                GroupLogEntry message = new GroupLogEntry(++position, append.kind(), append.group(), append.sender(),
                        append.text(), now);
                insert.setLong(1, message.id());
                insert.setString(2, message.kind());
                insert.setString(3, message.group());
                insert.setString(4, NameRule.key(message.group()));
                insert.setString(5, message.sender());
                insert.setString(6, NameRule.key(message.sender()));
                insert.setString(7, message.text());
                insert.setString(8, append.clientId());
                insert.setTimestamp(9, Timestamp.from(now));
                insert.addBatch();
                if (idempotencyKey != null) {
                    createdHere.put(idempotencyKey, message);
                }
                results.add(new Appended(message, true));
            }
            insert.executeBatch();
        }
        LogHead.advance(connection, position);
        return results;
    }

    private Optional<GroupLogEntry> findByClientId(Connection connection, Append append) {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM messages WHERE group_key = ? AND sender_key = ? AND client_id = ?")) {
            query.setString(1, NameRule.key(append.group()));
            query.setString(2, NameRule.key(append.sender()));
            query.setString(3, append.clientId());
            List<GroupLogEntry> found = read(query);
            return found.stream().findFirst();
        } catch (SQLException e) {
            throw new StorageException("cannot look up clientId", e);
        }
    }

    /**
     * A page of one group's messages (not its membership entries), oldest first. With {@code after}: the first {@code limit}
     * after it. Otherwise the last {@code limit} before {@code before} (or the newest).
     */
    public List<GroupMessage> page(String group, Long before, Long after, int limit) {
        boolean forward = after != null;
        String sql = "SELECT " + COLUMNS + " FROM messages WHERE group_key = ? AND kind = 'message'"
                + (after != null ? " AND id > ?" : "")
                + (before != null ? " AND id < ?" : "")
                + " ORDER BY id " + (forward ? "ASC" : "DESC") + " LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setString(i++, NameRule.key(group));
            if (after != null) {
                query.setLong(i++, after);
            }
            if (before != null) {
                query.setLong(i++, before);
            }
            query.setInt(i, limit);
            List<GroupMessage> messages = new ArrayList<>(read(query).stream().map(GroupLogEntry::message).toList());
            if (!forward) {
                Collections.reverse(messages);
            }
            return messages;
        } catch (SQLException e) {
            throw new StorageException("cannot read history", e);
        }
    }

    /**
     * Entries after a position, oldest first: of every group when {@code groups} is null; only
     * joins and leaves when {@code membershipOnly} (gateways rebuild their membership from them).
     */
    public List<GroupLogEntry> after(long position, List<String> groups, boolean membershipOnly, int limit) {
        if (groups != null && groups.isEmpty()) {
            return List.of();
        }
        String sql = "SELECT " + COLUMNS + " FROM messages WHERE id > ?"
                + (groups == null ? "" : " AND group_key = ANY (?)")
                + (membershipOnly ? " AND kind <> 'message'" : "")
                + " ORDER BY id ASC LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            query.setLong(i++, position);
            if (groups != null) {
                Array keys = connection.createArrayOf("varchar", groups.stream().map(NameRule::key).toArray());
                query.setArray(i++, keys);
            }
            query.setInt(i, limit);
            return read(query);
        } catch (SQLException e) {
            throw new StorageException("cannot read the log", e);
        }
    }

    /** The position of the newest committed entry (0 for an empty log). */
    public long head() {
        return LogHead.read(dataSource);
    }

    private static List<GroupLogEntry> read(PreparedStatement query) throws SQLException {
        List<GroupLogEntry> messages = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                messages.add(new GroupLogEntry(rows.getLong("id"), rows.getString("kind"), rows.getString("group_name"),
                        rows.getString("sender"), rows.getString("text"),
                        rows.getTimestamp("sent_at").toInstant()));
            }
        }
        return messages;
    }
}
