package io.chorus.user.repository;

import io.agroal.api.AgroalDataSource;
import io.chorus.common.error.StorageException;
import io.chorus.common.limits.WritePermit;
import io.chorus.user.service.CellRate;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The write_budget table: one take is one statement, the {@link CellRate} rule as an upsert whose
 * WHERE refuses the update. PostgreSQL locks the user's row for the update, so concurrent takes
 * from any number of gateways and dm-services are counted exactly, one after another, against
 * PostgreSQL's one clock. A refused take changes nothing. Blocking JDBC: virtual threads only.
 */
@ApplicationScoped
public class WriteBudgetRepository {

    // The first time a user writes, the INSERT grants (a burst of at least 1 is always allowed).
    // "now" is the statement's start; a take that waited for the row lock then judges by a moment
    // a little before it ran, which can only make it stricter. The last SELECT reads the TAT as
    // the statement's snapshot saw it, for a refusal's Retry-After (a row inserted by a concurrent
    // statement may be missing there: then the refusal says 1 s).
    private static final String TAKE = """
            WITH clock AS (SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now),
            taken AS (
                INSERT INTO write_budget AS budget (user_key, tat)
                SELECT ?, clock.now + ? FROM clock
                ON CONFLICT (user_key) DO UPDATE
                    SET tat = greatest(budget.tat, (SELECT now FROM clock)) + ?
                    WHERE greatest(budget.tat, (SELECT now FROM clock)) + ? - (SELECT now FROM clock) <= ?
                RETURNING tat)
            SELECT EXISTS (SELECT 1 FROM taken) AS granted, clock.now,
                   (SELECT tat FROM write_budget WHERE user_key = ?) AS tat
            FROM clock""";

    private final AgroalDataSource dataSource;

    public WriteBudgetRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public WritePermit take(String userKey, CellRate rate) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(TAKE)) {
            statement.setString(1, userKey);
            statement.setLong(2, rate.intervalMicros());
            statement.setLong(3, rate.intervalMicros());
            statement.setLong(4, rate.intervalMicros());
            statement.setLong(5, rate.toleranceMicros());
            statement.setString(6, userKey);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                if (row.getBoolean("granted")) {
                    return WritePermit.GRANTED;
                }
                long now = row.getLong("now");
                long tat = row.getLong("tat");
                return row.wasNull() ? WritePermit.refused(1) : rate.refusal(tat, now);
            }
        } catch (SQLException e) {
            throw new StorageException("cannot take from a write budget", e);
        }
    }
}
