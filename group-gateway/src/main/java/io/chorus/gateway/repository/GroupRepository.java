package io.chorus.gateway.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.naming.NameRule;
import io.chorus.gateway.group.Group;
import io.chorus.gateway.group.Member;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Groups and memberships. Blocking JDBC: called from virtual threads, never the event loop. */
@ApplicationScoped
public class GroupRepository {

    // member_count is a column the membership projection keeps (V4), not a count(*) per group read.
    private static final String GROUP_COLUMNS = "g.id, g.name, g.created_by, g.created_at, g.member_count";

    private final AgroalDataSource dataSource;

    public GroupRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates the group; empty if the name is taken in any case. Its creator becomes a member
     * through the group log, like every join.
     */
    public Optional<Group> create(String name, String creator) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Long id = null;
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO groups (name, name_key, created_by) VALUES (?, ?, ?) "
                                + "ON CONFLICT (name_key) DO NOTHING RETURNING id")) {
                    insert.setString(1, name);
                    insert.setString(2, NameRule.key(name));
                    insert.setString(3, creator);
                    try (ResultSet row = insert.executeQuery()) {
                        if (row.next()) {
                            id = row.getLong(1);
                        }
                    }
                }
                if (id == null) {
                    connection.rollback();
                    return Optional.empty();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot create group", e);
        }
        return find(name);
    }

    public Optional<Group> find(String name) {
        return query("SELECT " + GROUP_COLUMNS + " FROM groups g WHERE g.name_key = ?", NameRule.key(name))
                .stream().findFirst();
    }

    /**
     * Up to {@code limit} groups whose key comes after {@code afterKey} ("" for the first page), in
     * key order: one range of the name_key index.
     */
    public List<Group> page(String afterKey, int limit) {
        return query("SELECT " + GROUP_COLUMNS + " FROM groups g WHERE g.name_key > ? ORDER BY g.name_key LIMIT ?",
                limit, afterKey);
    }

    /** As {@link #page}, only the member's groups: one range of memberships (member_key, group_key). */
    public List<Group> pageOf(String member, String afterKey, int limit) {
        return query("SELECT " + GROUP_COLUMNS + " FROM memberships mine JOIN groups g ON g.id = mine.group_id "
                + "WHERE mine.member_key = ? AND mine.group_key > ? ORDER BY mine.group_key LIMIT ?",
                limit, NameRule.key(member), afterKey);
    }

    public List<Member> members(long groupId) {
        String sql = "SELECT member, joined_at FROM memberships WHERE group_id = ? ORDER BY member_key";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, groupId);
            List<Member> members = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    members.add(new Member(rows.getString(1), rows.getTimestamp(2).toInstant()));
                }
            }
            return members;
        } catch (SQLException e) {
            throw new StorageException("cannot read members", e);
        }
    }

    public boolean isMember(long groupId, String member) {
        String sql = "SELECT 1 FROM memberships WHERE group_id = ? AND member_key = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, groupId);
            query.setString(2, NameRule.key(member));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read membership", e);
        }
    }

    /**
     * Applies one join or leave of the group log to the memberships table, unless an entry at or
     * after its position was applied already (by this replica before a restart, or by another
     * replica: all of them write the same projection, each in log order). The head row's lock
     * makes check and write one step.
     */
    public void applyMembership(long position, String group, String member, boolean joined) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long applied;
                try (PreparedStatement head = connection.prepareStatement(
                        "SELECT applied FROM membership_head WHERE id = 1 FOR UPDATE");
                     ResultSet row = head.executeQuery()) {
                    row.next();
                    applied = row.getLong(1);
                }
                if (applied >= position) {
                    connection.rollback();
                    return;
                }
                String groupKey = NameRule.key(group);
                int changed;
                if (joined) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO memberships (group_id, group_key, member, member_key, joined_position) "
                                    + "SELECT id, name_key, ?, ?, ? FROM groups WHERE name_key = ? ON CONFLICT DO NOTHING")) {
                        insert.setString(1, member);
                        insert.setString(2, NameRule.key(member));
                        insert.setLong(3, position);
                        insert.setString(4, groupKey);
                        changed = insert.executeUpdate();
                    }
                } else {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM memberships WHERE member_key = ? AND group_key = ?")) {
                        delete.setString(1, NameRule.key(member));
                        delete.setString(2, groupKey);
                        changed = delete.executeUpdate();
                    }
                }
                // Only a row actually added or removed moves the count: a repeated join changes nothing.
                if (changed == 1) {
                    try (PreparedStatement count = connection.prepareStatement(
                            "UPDATE groups SET member_count = member_count + ? WHERE name_key = ?")) {
                        count.setInt(1, joined ? 1 : -1);
                        count.setString(2, groupKey);
                        count.executeUpdate();
                    }
                }
                try (PreparedStatement advance = connection.prepareStatement(
                        "UPDATE membership_head SET applied = ? WHERE id = 1")) {
                    advance.setLong(1, position);
                    advance.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot apply a membership change", e);
        }
    }

    /** The table and the position of the last log entry applied to it, read as of one moment. */
    public MembershipRows membershipSnapshot() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long applied;
                try (PreparedStatement head = connection.prepareStatement("SELECT applied FROM membership_head WHERE id = 1");
                     ResultSet row = head.executeQuery()) {
                    row.next();
                    applied = row.getLong(1);
                }
                Map<String, Map<String, Long>> members = allMemberships(connection);
                connection.commit();
                return new MembershipRows(applied, members);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read memberships", e);
        }
    }

    /** @param membersByGroup group key → member key → the log position of their join (0 if not known) */
    public record MembershipRows(long applied, Map<String, Map<String, Long>> membersByGroup) {
    }

    /** Every group's member keys and join positions, by group key: the live streams' view of who may see what. */
    private static Map<String, Map<String, Long>> allMemberships(Connection connection) throws SQLException {
        String sql = "SELECT group_key, member_key, joined_position FROM memberships";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            // Read through a cursor (the transaction is open), not as one result held whole beside
            // the map it fills: the start's peak is the map, not the map and every row as bytes.
            query.setFetchSize(10_000);
            ResultSet rows = query.executeQuery();
            Map<String, Map<String, Long>> members = new HashMap<>();
            while (rows.next()) {
                members.computeIfAbsent(rows.getString(1), key -> new HashMap<>()).put(rows.getString(2), rows.getLong(3));
            }
            return members;
        }
    }

    private List<Group> query(String sql, String... parameters) {
        return query(sql, 0, parameters);
    }

    /** The string parameters in order, then {@code limit} as the last parameter when it is above 0. */
    private List<Group> query(String sql, int limit, String... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            if (limit > 0) {
                query.setInt(parameters.length + 1, limit);
            }
            List<Group> groups = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    groups.add(new Group(rows.getLong("id"), rows.getString("name"), rows.getString("created_by"),
                            rows.getTimestamp("created_at").toInstant(), rows.getInt("member_count")));
                }
            }
            return groups;
        } catch (SQLException e) {
            throw new StorageException("cannot read groups", e);
        }
    }
}
