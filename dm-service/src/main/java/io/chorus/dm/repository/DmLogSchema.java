package io.chorus.dm.repository;

import io.chorus.common.log.LogSchema;
import io.chorus.common.log.LogStore;
import io.chorus.common.message.DmLogEntry;
import io.chorus.common.naming.NameRule;
import io.chorus.dm.service.Send;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * The DM log's table, {@code direct_messages}, and the conversation index its insert keeps in
 * the same transaction (each side's latest DM with the other).
 */
final class DmLogSchema implements LogSchema<Send, DmLogEntry> {

    static final String COLUMNS = "id, kind, from_name, to_name, text, sent_at, target, edited_at, deleted";

    @Override
    public String table() {
        return "direct_messages";
    }

    @Override
    public String columns() {
        return COLUMNS;
    }

    @Override
    public DmLogEntry read(ResultSet row) throws SQLException {
        return new DmLogEntry(row.getLong("id"), row.getString("kind"), row.getString("from_name"),
                row.getString("to_name"), row.getString("text"), row.getTimestamp("sent_at").toInstant(),
                LogStore.longOrNull(row, "target"), LogStore.instantOrNull(row, "edited_at"),
                row.getBoolean("deleted") ? Boolean.TRUE : null);
    }

    @Override
    public DmLogEntry entry(long position, Send send, Instant at) {
        return new DmLogEntry(position, DmLogEntry.MESSAGE, send.from(), send.to(), send.text(), at, null, null, null);
    }

    @Override
    public List<String> clientIdColumns() {
        return List.of("from_key", "client_id");
    }

    @Override
    public List<String> clientIdKey(Send send) {
        return send.clientId() == null ? null : List.of(NameRule.key(send.from()), send.clientId());
    }

    @Override
    public void insert(Connection connection, List<Created<Send, DmLogEntry>> created) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO direct_messages (id, from_name, from_key, to_name, to_key, text, client_id, sent_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement upsert = connection.prepareStatement(
                "INSERT INTO conversations (owner_key, peer_key, peer, last_id) VALUES (?, ?, ?, ?), (?, ?, ?, ?) "
                        + "ON CONFLICT (owner_key, peer_key) DO UPDATE SET peer = EXCLUDED.peer, last_id = EXCLUDED.last_id")) {
            for (Created<Send, DmLogEntry> row : created) {
                DmLogEntry message = row.entry();
                insert.setLong(1, message.id());
                insert.setString(2, message.from());
                insert.setString(3, NameRule.key(message.from()));
                insert.setString(4, message.to());
                insert.setString(5, NameRule.key(message.to()));
                insert.setString(6, message.text());
                insert.setString(7, row.append().clientId());
                insert.setTimestamp(8, Timestamp.from(message.sentAt()));
                insert.addBatch();
                // Batched, yet executed one DM at a time in id order (no reWriteBatchedInserts): one
                // multi-row upsert could not touch the same pair twice.
                upsert.setString(1, NameRule.key(message.from()));
                upsert.setString(2, NameRule.key(message.to()));
                upsert.setString(3, message.to());
                upsert.setLong(4, message.id());
                upsert.setString(5, NameRule.key(message.to()));
                upsert.setString(6, NameRule.key(message.from()));
                upsert.setString(7, message.from());
                upsert.setLong(8, message.id());
                upsert.addBatch();
            }
            insert.executeBatch();
            upsert.executeBatch();
        }
    }

    /**
     * Writes an edit or a delete, inside its transaction. The conversation index keeps pointing
     * at the newest message: a change is no newer message.
     */
    @Override
    public void insertChange(Connection connection, DmLogEntry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO direct_messages (id, kind, from_name, from_key, to_name, to_key, text, sent_at, target, "
                        + "edited_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, entry.id());
            insert.setString(2, entry.kind());
            insert.setString(3, entry.from());
            insert.setString(4, NameRule.key(entry.from()));
            insert.setString(5, entry.to());
            insert.setString(6, NameRule.key(entry.to()));
            insert.setString(7, entry.text());
            insert.setTimestamp(8, Timestamp.from(entry.sentAt()));
            insert.setLong(9, entry.target());
            insert.setTimestamp(10, entry.editedAt() == null ? null : Timestamp.from(entry.editedAt()));
            insert.setBoolean(11, Boolean.TRUE.equals(entry.deleted()));
            insert.executeUpdate();
        }
    }
}
