package io.chorus.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL server tests run against: localhost:5432 as postgres unless the standard
 * PGHOST/PGPORT/PGUSER/PGPASSWORD say otherwise. Each test run makes its own databases so runs
 * never see each other's data; {@code .ci/run} sweeps any a killed run left behind.
 */
public final class LocalPostgres {

    public static final String TEST_DATABASE_PREFIX = "chorus_test_";

    private LocalPostgres() {
    }

    public static String host() {
        String host = env("PGHOST", "localhost");
        // A socket directory is not a host name for JDBC; the server listens on TCP too.
        return host.startsWith("/") ? "localhost" : host;
    }

    public static String port() {
        return env("PGPORT", "5432");
    }

    public static String user() {
        return env("PGUSER", "postgres");
    }

    public static String password() {
        return env("PGPASSWORD", "");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Creates a fresh, uniquely named database and returns its name. */
    public static String createThrowawayDatabase(String purpose) {
        String name = TEST_DATABASE_PREFIX + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_")
                + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute("CREATE DATABASE " + name);
        return name;
    }

    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host() + ":" + port() + " refused '" + sql
                    + "': " + e.getMessage() + " (is it running? see README, Test)", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
