package io.chorus.common.log;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * One log's table as {@link LogStore} reads and writes it: the row mapper, how an append becomes
 * an entry, where its clientId is unique, and the insert (which may also keep an index, as the
 * DM log's conversations). Positions are the table's {@code id} column; kinds of entry are the
 * entry type's business (the group log's {@code kind} column).
 *
 * @param <A> an append, already validated
 * @param <E> a stored entry
 */
public interface LogSchema<A, E> {

    /** A new entry and the append it came from, for {@link #insert}. */
    record Created<A, E>(A append, E entry) {
    }

    String table();

    /** The select list {@link #read} maps. */
    String columns();

    E read(ResultSet row) throws SQLException;

    /** The entry an append becomes at a position, stamped with the transaction's time. */
    E entry(long position, A append, Instant at);

    /**
     * The columns of the log's unique clientId index (the group log: group, sender, clientId;
     * DMs: sender, clientId), each holding a string.
     */
    List<String> clientIdColumns();

    /** An append's values for {@link #clientIdColumns()}, in order; null when it has no clientId. */
    List<String> clientIdKey(A append);

    /** Writes the new entries, in position order, inside the append's transaction. */
    void insert(Connection connection, List<Created<A, E>> created) throws SQLException;

    /** Writes an entry that changes an earlier one (an edit or a delete), inside its amendment's transaction. */
    void insertChange(Connection connection, E entry) throws SQLException;
}
