package io.chorus.common.log;

import io.chorus.common.error.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The one implementation behind both message logs (history-service's group log, dm-service's
 * DM log): append under the head lock with clientId idempotency, and the reads gateways and the
 * API make ({@code after}, {@code head}, {@code page}). A log brings its {@link LogSchema}.
 * Blocking JDBC: called from the group commit's writer and from virtual threads.
 */
public final class LogStore<A, E> {

    private final DataSource dataSource;
    private final LogSchema<A, E> schema;

    public LogStore(DataSource dataSource, LogSchema<A, E> schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /**
     * Appends a batch in one transaction (a group commit). The head's row lock serialises
     * writers, across replicas too, so positions are contiguous and commit in order, and no two
     * appends with one clientId can both create an entry. One result per append, in order.
     */
    public List<Appended<E>> append(List<A> appends) {
        return LogHead.inTransaction(dataSource, "append to " + schema.table(), connection -> {
            long position = LogHead.lock(connection);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<Appended<E>> results = new ArrayList<>(appends.size());
            List<LogSchema.Created<A, E>> created = new ArrayList<>();
            // A retry inside the batch is answered by the first copy in that batch.
            Map<String, E> createdHere = new HashMap<>();
            for (A append : appends) {
                String key = schema.idempotencyKey(append);
                Optional<E> earlier = key == null ? Optional.empty()
                        : Optional.ofNullable(createdHere.get(key)).or(() -> first(connection, schema.sameClientId(append)));
                if (earlier.isPresent()) {
                    results.add(new Appended<>(earlier.get(), false));
                    continue;
                }
                E entry = schema.entry(++position, append, now);
                created.add(new LogSchema.Created<>(append, entry));
                if (key != null) {
                    createdHere.put(key, entry);
                }
                results.add(new Appended<>(entry, true));
            }
            if (!created.isEmpty()) {
                schema.insert(connection, created);
                LogHead.advance(connection, position);
            }
            return results;
        });
    }

    /** Entries after a position that match the filter, oldest first, at most {@code limit}. */
    public List<E> after(long position, LogFilter filter, int limit) {
        return query("SELECT " + schema.columns() + " FROM " + schema.table() + " WHERE id > ? AND (" + filter.condition()
                + ") ORDER BY id ASC LIMIT ?", position, filter, limit);
    }

    /**
     * A page of the entries matching the filter, oldest first. With {@code after}: the first
     * {@code limit} after it. Otherwise the last {@code limit} before {@code before} (or the newest).
     */
    public List<E> page(LogFilter filter, Long before, Long after, int limit) {
        LogFilter bounded = filter;
        if (after != null) {
            bounded = bounded.and(LogFilter.where("id > ?", after));
        }
        if (before != null) {
            bounded = bounded.and(LogFilter.where("id < ?", before));
        }
        boolean forward = after != null;
        List<E> page = new ArrayList<>(query("SELECT " + schema.columns() + " FROM " + schema.table() + " WHERE "
                + bounded.condition() + " ORDER BY id " + (forward ? "ASC" : "DESC") + " LIMIT ?", null, bounded, limit));
        if (!forward) {
            Collections.reverse(page);
        }
        return page;
    }

    /** The position of the newest committed entry (0 for an empty log). */
    public long head() {
        return LogHead.read(dataSource);
    }

    private List<E> query(String sql, Long position, LogFilter filter, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int i = 1;
            if (position != null) {
                query.setLong(i++, position);
            }
            i = bind(query, i, filter);
            query.setInt(i, limit);
            return read(query);
        } catch (SQLException e) {
            throw new StorageException("cannot read " + schema.table(), e);
        }
    }

    private Optional<E> first(Connection connection, LogFilter filter) {
        try (PreparedStatement query = connection.prepareStatement("SELECT " + schema.columns() + " FROM "
                + schema.table() + " WHERE " + filter.condition() + " ORDER BY id LIMIT 1")) {
            bind(query, 1, filter);
            return read(query).stream().findFirst();
        } catch (SQLException e) {
            throw new StorageException("cannot look up a clientId in " + schema.table(), e);
        }
    }

    /** Reads rows with this log's row mapper (also for a log's own queries, such as the DM conversation index). */
    public List<E> read(PreparedStatement query) throws SQLException {
        List<E> entries = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                entries.add(schema.read(rows));
            }
        }
        return entries;
    }

    private static int bind(PreparedStatement query, int first, LogFilter filter) throws SQLException {
        int i = first;
        for (Object parameter : filter.parameters()) {
            query.setObject(i++, parameter);
        }
        return i;
    }
}
