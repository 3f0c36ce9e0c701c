package io.chorus.history.repository;

import io.chorus.common.log.LogSchema;
import io.chorus.common.message.GroupLogEntry;
import io.chorus.common.naming.NameRule;
import io.chorus.history.service.Append;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The group log's table, {@code messages}: every kind of entry, positions from one sequence. */
final class GroupLogSchema implements LogSchema<Append, GroupLogEntry> {

    @Override
    public String table() {
        return "messages";
    }

    @Override
    public String columns() {
        return "id, kind, group_name, sender, text, sent_at";
    }

    @Override
    public GroupLogEntry read(ResultSet row) throws SQLException {
        return new GroupLogEntry(row.getLong("id"), row.getString("kind"), row.getString("group_name"),
                row.getString("sender"), row.getString("text"), row.getTimestamp("sent_at").toInstant());
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
    }
}
