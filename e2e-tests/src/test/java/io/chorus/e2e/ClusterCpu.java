package io.chorus.e2e;

import io.chorus.testing.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every process that does a Chorus cluster's work, for a benchmark's CPU per delivery: its
 * services and the PostgreSQL backends connected to its databases (found in pg_stat_activity,
 * read from /proc like the services). PostgreSQL's shared processes (WAL writer, checkpointer,
 * background writer) serve every database on the server and are left out.
 */
final class ClusterCpu implements AutoCloseable {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

    private final ChorusCluster cluster;
    private final String[] databases;
    /** Connected to the "postgres" database, so this connection's own backend is never counted. */
    private final Connection activity;

    ClusterCpu(ChorusCluster cluster) throws SQLException {
        this.cluster = cluster;
        this.databases = ChorusCluster.SERVICES.stream().map(cluster::database).toArray(String[]::new);
        this.activity = LOOPBACK.contains(LocalPostgres.host())
                ? DriverManager.getConnection(LocalPostgres.jdbcUrl("postgres"), LocalPostgres.user(), LocalPostgres.password())
                : null;
    }

    /** What {@link #sample()} counts, for a report's header. */
    String describe() {
        return "the four services (gateway, history-service, user-service, dm-service; the last two idle in these "
                + "scenarios) and " + (activity == null
                ? "not PostgreSQL (it is not on this machine: " + LocalPostgres.host() + ")"
                : "the PostgreSQL backends connected to the cluster's databases (pg_stat_activity), not PostgreSQL's "
                        + "shared WAL writer, checkpointer and background writer");
    }

    /** CPU so far of each service process and each of the cluster's PostgreSQL backends. */
    CpuSample sample() {
        List<Long> pids = new ArrayList<>();
        for (String instance : cluster.instances()) {
            pids.add(cluster.pid(instance));
        }
        pids.addAll(backends());
        return CpuSample.of(pids);
    }

    private List<Long> backends() {
        if (activity == null) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        try (PreparedStatement query = activity.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(?)")) {
            query.setArray(1, activity.createArrayOf("text", databases));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the cluster's PostgreSQL backends", e);
        }
        // A PostgreSQL in another PID namespace (a container) reports pids that are not its
        // processes here: count only those /proc shows as postgres.
        return pids.stream().filter(ClusterCpu::isPostgres).toList();
    }

    private static boolean isPostgres(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "comm")).strip().startsWith("postgres");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws SQLException {
        if (activity != null) {
            activity.close();
        }
    }
}
