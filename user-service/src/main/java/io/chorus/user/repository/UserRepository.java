package io.chorus.user.repository;

import io.chorus.common.error.StorageException;
import io.chorus.common.naming.NameRule;
import io.chorus.user.service.User;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The users table. Blocking JDBC: callers run on virtual or worker threads, never the event loop. */
@ApplicationScoped
public class UserRepository {

    private final AgroalDataSource dataSource;

    public UserRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the user; empty if the name is taken in any case. */
    public Optional<User> insert(String name, String passwordHash) {
        String sql = """
                INSERT INTO users (name, name_key, password_hash) VALUES (?, ?, ?)
                ON CONFLICT (name_key) DO NOTHING
                RETURNING name, password_hash, created_at""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, name);
            statement.setString(2, NameRule.key(name));
            statement.setString(3, passwordHash);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot insert user", e);
        }
    }

    public Optional<User> findByName(String name) {
        String sql = "SELECT name, password_hash, created_at FROM users WHERE name_key = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, NameRule.key(name));
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageException("cannot read user", e);
        }
    }

    /** Up to {@code limit} users whose key starts with {@code prefixKey}, after {@code afterKey}. */
    public List<User> page(String prefixKey, String afterKey, int limit) {
        String sql = """
                SELECT name, password_hash, created_at FROM users
                WHERE starts_with(name_key, ?) AND (CAST(? AS VARCHAR) IS NULL OR name_key > ?)
                ORDER BY name_key LIMIT ?""";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, prefixKey);
            statement.setString(2, afterKey);
            statement.setString(3, afterKey);
            statement.setInt(4, limit);
            List<User> users = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    users.add(read(rows));
                }
            }
            return users;
        } catch (SQLException e) {
            throw new StorageException("cannot page users", e);
        }
    }

    private static User read(ResultSet rows) throws SQLException {
        return new User(rows.getString("name"), rows.getString("password_hash"),
                rows.getObject("created_at", java.time.OffsetDateTime.class).toInstant());
    }
}
