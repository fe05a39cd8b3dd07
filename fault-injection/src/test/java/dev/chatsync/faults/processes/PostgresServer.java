package dev.chatsync.faults.processes;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 server process (the embedded binaries, started with pg_ctl) on a data directory and
 * port it keeps: stopped, it refuses every connection; started again, it has everything it committed.
 */
public final class PostgresServer {

    static final String DATABASE = "chatsync";

    private static final String TERMINATE = """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = ? AND pid <> pg_backend_pid()
            """;

    private static final String EXISTS = """
            SELECT 1 FROM pg_database WHERE datname = 'chatsync'
            """;

    private static final String CREATE = """
            CREATE DATABASE chatsync
            """;

    private final Path dataDirectory;
    private final Path binaries;
    private final int port = Ports.free();
    private volatile EmbeddedPostgres server;

    PostgresServer(Path dataDirectory, Path binaries) {
        this.dataDirectory = dataDirectory;
        this.binaries = binaries;
    }

    /** Starts it (initdb on first use only) and creates the database if absent. */
    public synchronized void start() {
        try {
            Files.createDirectories(binaries);
            server = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(new File(binaries.toString()))
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // never crashed here, only stopped cleanly: fsync would cost the shared disk and prove nothing
                    .setServerConfig("fsync", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Postgres in " + dataDirectory, e);
        }
        createDatabaseIfAbsent();
    }

    /** A fast shutdown (pg_ctl stop -m fast): open connections are closed, new ones refused. */
    public synchronized void stop() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop Postgres", e);
        }
    }

    public int port() {
        return port;
    }

    /** Ends every backend of {@code applicationName} from the server side; returns how many there were. */
    public int terminate(String applicationName) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(TERMINATE)) {
            statement.setString(1, applicationName);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    /** The Neon-style connection string the services take, through {@code viaPort} (the server's or a relay's). */
    String databaseUrl(int viaPort, String applicationName) {
        return "postgresql://postgres:postgres@localhost:" + viaPort + "/" + DATABASE + "?sslmode=disable&ApplicationName=" + applicationName;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + DATABASE, "postgres", "postgres");
    }

    private void createDatabaseIfAbsent() {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
             Statement statement = admin.createStatement();
             ResultSet exists = statement.executeQuery(EXISTS)) {
            if (!exists.next()) {
                statement.execute(CREATE);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE, e);
        }
    }
}
