package dev.chatsync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 (embedded binaries, no Docker) whose data directory survives restarts:
 * initdb runs only when the directory holds no cluster yet.
 */
final class LocalPostgres implements AutoCloseable {

    private static final String DATABASE = "chatsync";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private LocalPostgres(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    static LocalPostgres start(Path dataDirectory, int port, boolean fresh) {
        try {
            if (fresh) {
                deleteRecursively(dataDirectory);
            }
            Files.createDirectories(dataDirectory.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .start();
            createDatabaseIfAbsent(postgres);
            return new LocalPostgres(postgres, dataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Postgres in " + dataDirectory, e);
        }
    }

    /** The connection string as Neon would hand it out, which is what the services accept. */
    String databaseUrl() {
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + DATABASE + "?sslmode=disable";
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop Postgres", e);
        }
    }

    private static void createDatabaseIfAbsent(EmbeddedPostgres postgres) {
        try (Connection admin = postgres.getPostgresDatabase().getConnection();
             Statement statement = admin.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE, e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
