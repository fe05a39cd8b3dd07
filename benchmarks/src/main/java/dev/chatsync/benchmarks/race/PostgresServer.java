package dev.chatsync.benchmarks.race;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import dev.chatsync.testsupport.TestPostgres;

/** The one Postgres server every system writes to, seen from outside: its CPU, its WAL, checkpoints. */
final class PostgresServer {

    private static final String INDEXES = """
            SELECT count(*) FROM pg_index WHERE indrelid = 'messages'::regclass
            """;

    // The LSN rather than pg_stat_wal.wal_bytes: both count the bytes of WAL written, but each backend
    // adds to pg_stat_wal only when it flushes its statistics, up to a second late (at exit at the latest).
    private static final String WAL_POSITION = """
            SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8
            """;

    private final long postmasterPid;

    private PostgresServer(long postmasterPid) {
        this.postmasterPid = postmasterPid;
    }

    static PostgresServer of(TestPostgres.Database anyDatabase) throws SQLException {
        try (Connection connection = anyDatabase.connect(); Statement statement = connection.createStatement();
             ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            return new PostgresServer(ProcessCpu.parentOf(backend.getLong(1)));
        }
    }

    /** Where a timed phase starts: the pages the set-up dirtied are written, the counters read. */
    Sample checkpointAndSample(TestPostgres.Database database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
        return sample(database);
    }

    Sample sample(TestPostgres.Database database) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement wal = connection.prepareStatement(WAL_POSITION);
             ResultSet position = wal.executeQuery()) {
            position.next();
            return new Sample(ProcessCpu.ofServer(postmasterPid), position.getLong(1));
        }
    }

    static int indexesOnMessages(TestPostgres.Database database) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(INDEXES);
             ResultSet count = statement.executeQuery()) {
            count.next();
            return count.getInt(1);
        }
    }

    /** Postgres's CPU (all its processes) and WAL position at one moment. */
    record Sample(Duration cpu, long walBytes) {
    }
}
