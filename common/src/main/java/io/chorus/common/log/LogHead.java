package io.chorus.common.log;

import io.chorus.common.error.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The head of a message log (history-service's group log, dm-service's DM log): the one row of
 * {@code log_head} holding the last position given out. A writer locks it, assigns the next
 * positions and advances it in the same transaction. The row lock serialises writers, across
 * replicas too, so positions are contiguous and commit in order: whoever has seen position N has
 * seen every position below it, which is what makes gap-filling and resuming exact.
 */
public final class LogHead {

    /** The work of one transaction. */
    @FunctionalInterface
    public interface Transaction<T> {
        T run(Connection connection) throws SQLException;
    }

    private LogHead() {
    }

    /** Runs the work in one transaction, committed or rolled back as a whole. */
    public static <T> T inTransaction(DataSource dataSource, String what, Transaction<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot " + what, e);
        }
    }

    /** Locks the head until the transaction ends and returns the last position given out. */
    public static long lock(Connection connection) throws SQLException {
        return last(connection, "SELECT last_position FROM log_head WHERE id = 1 FOR UPDATE");
    }

    /** Records the new last position, under the lock taken by {@link #lock}. */
    public static void advance(Connection connection, long position) throws SQLException {
        try (PreparedStatement head = connection.prepareStatement("UPDATE log_head SET last_position = ? WHERE id = 1")) {
            head.setLong(1, position);
            head.executeUpdate();
        }
    }

    /** The newest committed position (0 for an empty log). */
    public static long read(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return last(connection, "SELECT last_position FROM log_head WHERE id = 1");
        } catch (SQLException e) {
            throw new StorageException("cannot read the log head", e);
        }
    }

    private static long last(Connection connection, String sql) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql);
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
