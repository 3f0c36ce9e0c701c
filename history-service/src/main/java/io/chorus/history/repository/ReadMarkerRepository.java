package io.chorus.history.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.log.LogStore;
import io.chorus.common.naming.NameRule;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Read markers and unread counts of the group log ({@code read_markers}, written by joins and by
 * {@link #markRead}). A count reads only the unread range of each group, from an index, never a
 * whole history; it is taken in one statement, so it is right however many posts and marker
 * moves run beside it.
 */
@ApplicationScoped
public class ReadMarkerRepository {

    /** A member's standing in one group: others' messages after their marker (or join), and the marker. */
    @RegisterForReflection
    public record Unread(String groupKey, long unread, Long lastRead) {
    }

    private final AgroalDataSource dataSource;

    public ReadMarkerRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Moves the member's marker forward to {@code upTo}; an older id changes nothing, and one
     * past the group's newest entry is taken as the newest. False if the member never joined.
     */
    public boolean markRead(String group, String member, long upTo) {
        String sql = "UPDATE read_markers SET last_read = GREATEST(COALESCE(last_read, 0), "
                + "LEAST(?, (SELECT COALESCE(max(id), 0) FROM messages WHERE group_key = ?))) "
                + "WHERE group_key = ? AND member_key = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            String groupKey = NameRule.key(group);
            update.setLong(1, upTo);
            update.setString(2, groupKey);
            update.setString(3, groupKey);
            update.setString(4, NameRule.key(member));
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageException("cannot move a read marker", e);
        }
    }

    /** The member's unread counts in these groups (those they ever joined), in no particular order. */
    public List<Unread> unread(String member, List<String> groups) {
        String sql = "SELECT r.group_key, r.last_read, (SELECT count(*) FROM messages m WHERE m.group_key = r.group_key"
                + " AND m.kind = 'message' AND NOT m.deleted AND m.sender_key <> r.member_key"
                + " AND m.id > GREATEST(r.joined_at, COALESCE(r.last_read, 0))) AS unread"
                + " FROM read_markers r WHERE r.member_key = ? AND r.group_key = ANY (?)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, NameRule.key(member));
            query.setArray(2, connection.createArrayOf("varchar", groups.stream().map(NameRule::key).toArray()));
            List<Unread> found = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(new Unread(rows.getString("group_key"), rows.getLong("unread"),
                            LogStore.longOrNull(rows, "last_read")));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new StorageException("cannot count unread messages", e);
        }
    }
}
