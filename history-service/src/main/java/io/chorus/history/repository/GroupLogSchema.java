package io.chorus.history.repository;

import io.chorus.common.log.LogSchema;
import io.chorus.common.log.LogStore;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The group log's table, {@code messages}: every kind of entry, positions from one sequence. */
final class GroupLogSchema implements LogSchema<Append, GroupLogEntry> {

    @Override
    public String table() {
        return "messages";
    }

    @Override
    public String columns() {
        return "id, kind, group_name, sender, text, sent_at, target, actor, edited_at, deleted";
    }

    @Override
    public GroupLogEntry read(ResultSet row) throws SQLException {
        return fromRow(row);
    }

    /** A row of {@link #columns()} (also read by the edits and deletes of {@link MessageRepository}). */
    static GroupLogEntry fromRow(ResultSet row) throws SQLException {
        return new GroupLogEntry(row.getLong("id"), row.getString("kind"), row.getString("group_name"),
                row.getString("sender"), row.getString("text"), row.getTimestamp("sent_at").toInstant(),
                LogStore.longOrNull(row, "target"), row.getString("actor"), LogStore.instantOrNull(row, "edited_at"),
                row.getBoolean("deleted") ? Boolean.TRUE : null);
    }

    @Override
    public GroupLogEntry entry(long position, Append append, Instant at) {
        return new GroupLogEntry(position, append.kind(), append.group(), append.sender(), append.text(), at);
    }

    @Override
    public List<String> clientIdColumns() {
        return List.of("group_key", "sender_key", "client_id");
    }

    @Override
    public List<String> clientIdKey(Append append) {
        return append.clientId() == null ? null
                : List.of(NameRule.key(append.group()), NameRule.key(append.sender()), append.clientId());
    }

    @Override
    public void insert(Connection connection, List<Created<Append, GroupLogEntry>> created) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO messages (id, kind, group_name, group_key, sender, sender_key, text, client_id, sent_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Created<Append, GroupLogEntry> row : created) {
                GroupLogEntry entry = row.entry();
                insert.setLong(1, entry.id());
                insert.setString(2, entry.kind());
                insert.setString(3, entry.group());
                insert.setString(4, NameRule.key(entry.group()));
                insert.setString(5, entry.sender());
                insert.setString(6, NameRule.key(entry.sender()));
                insert.setString(7, entry.text());
                insert.setString(8, row.append().clientId());
                insert.setTimestamp(9, Timestamp.from(entry.sentAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        recordJoins(connection, created);
    }

    /** A join starts the member's unread count (SPEC: before any marker it counts from the join). */
    private static void recordJoins(Connection connection, List<Created<Append, GroupLogEntry>> created) throws SQLException {
        // The latest join per member and group: one row may be upserted only once per statement
        // (should the driver ever rewrite the batch into one multi-row insert).
        Map<List<String>, GroupLogEntry> latest = new LinkedHashMap<>();
        created.stream().map(Created::entry).filter(entry -> GroupLogEntry.JOINED.equals(entry.kind()))
                .forEach(join -> latest.put(List.of(NameRule.key(join.group()), NameRule.key(join.sender())), join));
        Collection<GroupLogEntry> joins = latest.values();
        if (joins.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO read_markers (group_key, member_key, joined_at) VALUES (?, ?, ?) "
                        + "ON CONFLICT (group_key, member_key) DO UPDATE SET joined_at = EXCLUDED.joined_at")) {
            for (GroupLogEntry join : joins) {
                upsert.setString(1, NameRule.key(join.group()));
                upsert.setString(2, NameRule.key(join.sender()));
                upsert.setLong(3, join.id());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    /** An edit or a delete ({@link GroupLogEntry#isChange()}), with its target and actor. */
    @Override
    public void insertChange(Connection connection, GroupLogEntry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO messages (id, kind, group_name, group_key, sender, sender_key, text, sent_at, target, actor, "
                        + "edited_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, entry.id());
            insert.setString(2, entry.kind());
            insert.setString(3, entry.group());
            insert.setString(4, NameRule.key(entry.group()));
            insert.setString(5, entry.sender());
            insert.setString(6, NameRule.key(entry.sender()));
            insert.setString(7, entry.text());
            insert.setTimestamp(8, Timestamp.from(entry.sentAt()));
            insert.setLong(9, entry.target());
            insert.setString(10, entry.actor());
            insert.setTimestamp(11, entry.editedAt() == null ? null : Timestamp.from(entry.editedAt()));
            insert.setBoolean(12, Boolean.TRUE.equals(entry.deleted()));
            insert.executeUpdate();
        }
    }
}
