package io.chorus.gateway.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.gateway.stream.Presence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The replicas' shared presence ({@code gateway_replicas}, {@code presence}): this replica's
 * rows and heartbeat, and everyone's users on replicas whose heartbeat is fresh. One instance
 * per replica, named by a random id: a restarted replica is a new one, and its old rows go stale.
 */
public class PresenceRepository implements Presence.Store {

    private final AgroalDataSource dataSource;
    private final String replicaId = UUID.randomUUID().toString();
    private final Duration fresh;
    private final Duration forgotten;

    /**
     * @param fresh     how recent a replica's heartbeat must be for its users to count as online
     * @param forgotten after how long without a heartbeat a replica's rows are deleted
     */
    public PresenceRepository(AgroalDataSource dataSource, Duration fresh, Duration forgotten) {
        this.dataSource = dataSource;
        this.fresh = fresh;
        this.forgotten = forgotten;
    }

    @Override
    public void write(Map<String, String> added, Set<String> removed) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement heartbeat = connection.prepareStatement(
                        "INSERT INTO gateway_replicas (replica_id, seen_at) VALUES (?, now()) "
                                + "ON CONFLICT (replica_id) DO UPDATE SET seen_at = now()")) {
                    heartbeat.setString(1, replicaId);
                    heartbeat.executeUpdate();
                }
                if (!removed.isEmpty()) {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM presence WHERE replica_id = ? AND user_key = ANY (?)")) {
                        delete.setString(1, replicaId);
                        delete.setArray(2, connection.createArrayOf("varchar", removed.toArray()));
                        delete.executeUpdate();
                    }
                }
                if (!added.isEmpty()) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO presence (replica_id, user_key, user_name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                        for (Map.Entry<String, String> user : added.entrySet()) {
                            insert.setString(1, replicaId);
                            insert.setString(2, user.getKey());
                            insert.setString(3, user.getValue());
                            insert.addBatch();
                        }
                        insert.executeBatch();
                    }
                }
                // Replicas gone for good (and, by cascade, their rows): any live replica tidies up.
                try (PreparedStatement sweep = connection.prepareStatement(
                        "DELETE FROM gateway_replicas WHERE seen_at < now() - ? * interval '1 millisecond'")) {
                    sweep.setLong(1, forgotten.toMillis());
                    sweep.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot record presence", e);
        }
    }

    @Override
    public Map<String, String> online() {
        String sql = "SELECT p.user_key, min(p.user_name) AS user_name FROM presence p"
                + " JOIN gateway_replicas r ON r.replica_id = p.replica_id"
                + " WHERE r.seen_at > now() - ? * interval '1 millisecond' GROUP BY p.user_key";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setLong(1, fresh.toMillis());
            Map<String, String> online = new HashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    online.put(rows.getString("user_key"), rows.getString("user_name"));
                }
            }
            return online;
        } catch (SQLException e) {
            throw new StorageException("cannot read presence", e);
        }
    }
}
