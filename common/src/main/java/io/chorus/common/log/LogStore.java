package io.chorus.common.log;

import io.chorus.common.error.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
     * appends with one clientId can both create an entry. The batch's clientIds are looked up in
     * one query; a retry inside the batch is answered by the first copy. One result per append,
     * in order.
     */
    public List<Appended<E>> append(List<A> appends) {
        return LogHead.inTransaction(dataSource, "append to " + schema.table(), connection -> {
            long position = LogHead.lock(connection);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<List<String>> keys = appends.stream().map(schema::clientIdKey).toList();
            Map<List<String>, E> byClientId = storedWithClientIds(connection, keys);
            List<Appended<E>> results = new ArrayList<>(appends.size());
            List<LogSchema.Created<A, E>> created = new ArrayList<>();
            for (int i = 0; i < appends.size(); i++) {
                List<String> key = keys.get(i);
                E earlier = key == null ? null : byClientId.get(key);
                if (earlier != null) {
                    results.add(new Appended<>(earlier, false));
                    continue;
                }
                E entry = schema.entry(++position, appends.get(i), now);
                created.add(new LogSchema.Created<>(appends.get(i), entry));
                if (key != null) {
                    byClientId.put(key, entry);
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

    /** The work of an amendment: checks what the log holds and updates it; the store inserts the entry it returns. */
    @FunctionalInterface
    public interface Amendment<E> {
        /**
         * @param position the new entry's position
         * @return the new entry, or null when there is nothing to append (the change was already
         *         made); throw a {@link io.chorus.common.error.ProblemException} to refuse (the
         *         transaction rolls back, nothing changes)
         */
        E apply(Connection connection, long position, Instant at) throws SQLException;
    }

    /**
     * Appends one entry that changes an earlier one (an edit or a delete), in one transaction
     * under the head lock, like {@link #append}: so the change takes the next position among
     * the posts, and the check of the earlier entry (its sender, whether it is deleted) sees
     * every change committed before it, across replicas too. Null when nothing was appended.
     */
    public E amend(Amendment<E> amendment) {
        return LogHead.inTransaction(dataSource, "change an entry of " + schema.table(), connection -> {
            long position = LogHead.lock(connection) + 1;
            E entry = amendment.apply(connection, position, Instant.now().truncatedTo(ChronoUnit.MICROS));
            if (entry != null) {
                schema.insertChange(connection, entry);
                LogHead.advance(connection, position);
            }
            return entry;
        });
    }

    /** Entries after a position that match the filter, oldest first, at most {@code limit}. */
    public List<E> after(long position, LogFilter filter, int limit) {
        return page(filter, null, position, limit);
    }

    /**
     * As {@link #after(long, LogFilter, int)}, and no more entries than fit in {@code bytes} of
     * text: an entry is included while the text before it is under the bound, so a page holds at
     * least one entry and at most {@code bytes} plus one entry's text. A page cut by the bound
     * holds at least {@code bytes} of text; a reader that got less, and fewer than {@code limit}
     * entries, has read to the end. The running sum is a window over the same index scan the
     * LIMIT stops, so no more rows are read than the page returns.
     */
    public List<E> after(long position, LogFilter filter, int limit, int bytes) {
        if (bytes <= 0) {
            return after(position, filter, limit);
        }
        LogFilter bounded = filter.and(LogFilter.where("id > ?", position));
        String size = "coalesce(octet_length(text), 0)";
        String sql = "SELECT * FROM (SELECT " + schema.columns() + ", " + size + " AS text_bytes, sum(" + size
                + ") OVER (ORDER BY id) AS running_bytes FROM " + schema.table() + " WHERE " + bounded.condition()
                + " ORDER BY id ASC LIMIT ?) page WHERE running_bytes - text_bytes < ? ORDER BY id ASC";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int next = bind(query, 1, bounded.parameters());
            query.setInt(next, limit);
            query.setLong(next + 1, bytes);
            List<E> page = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    page.add(schema.read(rows));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StorageException("cannot read " + schema.table(), e);
        }
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
        String sql = "SELECT " + schema.columns() + " FROM " + schema.table() + " WHERE " + bounded.condition()
                + " ORDER BY id " + (forward ? "ASC" : "DESC") + " LIMIT ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(sql)) {
            int next = bind(query, 1, bounded.parameters());
            query.setInt(next, limit);
            List<E> page = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    page.add(schema.read(rows));
                }
            }
            if (!forward) {
                Collections.reverse(page);
            }
            return page;
        } catch (SQLException e) {
            throw new StorageException("cannot read " + schema.table(), e);
        }
    }

    /** The position of the newest committed entry (0 for an empty log). */
    public long head() {
        return LogHead.read(dataSource);
    }

    /** The stored entries holding any of these clientIds (nulls skipped), by clientId key. */
    private Map<List<String>, E> storedWithClientIds(Connection connection, List<List<String>> keys) throws SQLException {
        List<List<String>> wanted = keys.stream().filter(Objects::nonNull).distinct().toList();
        Map<List<String>, E> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        List<String> columns = schema.clientIdColumns();
        String tuple = "(" + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
        String sql = "SELECT " + schema.columns() + ", " + String.join(", ", columns) + " FROM " + schema.table()
                + " WHERE (" + String.join(", ", columns) + ") IN (" + String.join(", ", Collections.nCopies(wanted.size(), tuple)) + ")";
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            bind(query, 1, wanted.stream().<Object>flatMap(List::stream).toList());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    List<String> key = new ArrayList<>(columns.size());
                    for (String column : columns) {
                        key.add(rows.getString(column));
                    }
                    found.put(key, schema.read(rows));
                }
            }
        }
        return found;
    }

    /**
     * Inside an {@link Amendment}: the message's own row takes its new text, so history pages,
     * search and unread counts show it as it now is. (Both logs keep {@code text},
     * {@code edited_at}, {@code deleted} and, on change entries, {@code target}.)
     */
    public void applyEdit(Connection connection, long id, String text, Instant at) throws SQLException {
        update(connection, "UPDATE " + schema.table() + " SET text = ?, edited_at = ? WHERE id = ?", text, Timestamp.from(at), id);
    }

    /** Inside an {@link Amendment}: the message and its earlier edits become tombstones, their text gone. */
    public void applyDelete(Connection connection, long id) throws SQLException {
        update(connection, "UPDATE " + schema.table() + " SET text = '', edited_at = NULL, deleted = true WHERE id = ? OR target = ?",
                id, id);
    }

    /** A nullable BIGINT column (JDBC reads NULL as 0). */
    public static Long longOrNull(ResultSet row, String column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    /** A nullable TIMESTAMPTZ column. */
    public static Instant instantOrNull(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    private static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, 1, Arrays.asList(parameters));
            return update.executeUpdate();
        }
    }

    private static int bind(PreparedStatement query, int first, List<Object> parameters) throws SQLException {
        int i = first;
        for (Object parameter : parameters) {
            query.setObject(i++, parameter);
        }
        return i;
    }
}
