package dev.chatsync.benchmarks.race;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import dev.chatsync.testsupport.TestPostgres;

/**
 * Holds every write into a database's messages table until closed: while the re-sync is appended to its
 * topic, a sink may read it but stores nothing, so the timed phase starts when the hold ends, on a full
 * topic, as the new-message phase does. Readers (the race's progress queries) are not held.
 */
final class HeldWrites implements AutoCloseable {

    // SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock of INSERT, UPDATE, DELETE and COPY FROM,
    // not with SELECT's ACCESS SHARE
    private static final String HOLD = """
            LOCK TABLE messages IN SHARE ROW EXCLUSIVE MODE
            """;

    private final Connection connection;

    private HeldWrites(Connection connection) {
        this.connection = connection;
    }

    static HeldWrites hold(TestPostgres.Database database) throws SQLException {
        Connection connection = database.connect();
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute(HOLD);
            return new HeldWrites(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Lets the held writers go on. */
    @Override
    public void close() throws SQLException {
        try {
            connection.commit();
        } finally {
            connection.close();
        }
    }
}
