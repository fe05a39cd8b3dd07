package dev.chatsync.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 17 (embedded binaries, no Docker) whose data directory survives restarts:
 * initdb runs only when the directory holds no cluster yet. The server is a process of its own, so
 * a stack killed without its shutdown leaves it running; the next start stops it first.
 */
final class LocalPostgres implements AutoCloseable {

    private static final String DATABASE = "chatsync";

    private final EmbeddedPostgres postgres;

    private LocalPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static LocalPostgres start(Path dataDirectory, int port) {
        try {
            stopOrphan(dataDirectory);
            Files.createDirectories(dataDirectory.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .start();
            createDatabaseIfAbsent(postgres);
            return new LocalPostgres(postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Postgres in " + dataDirectory, e);
        }
    }

    /** The connection string as Neon would hand it out, which is what the services accept. */
    String databaseUrl() {
        return "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + DATABASE + "?sslmode=disable";
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

    /**
     * Stops a server a killed stack left behind on this directory. SIGTERM is Postgres's smart
     * shutdown, which is quick here: the clients died with the stack.
     */
    private static void stopOrphan(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(process -> process.info().command().map(command -> command.endsWith("postgres")).orElse(false));
        if (orphan.isPresent()) {
            orphan.get().destroy();
            try {
                orphan.get().onExit().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping the Postgres left running on " + dataDirectory, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("the Postgres left running on " + dataDirectory + " (pid " + pid + ") did not stop", e);
            }
        }
    }
}
