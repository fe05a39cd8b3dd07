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

    private static final String AUTOVACUUMS = """
            SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'
            """;

    private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(10);

    private final long postmasterPid;
    private final TestPostgres.Database server;

    private PostgresServer(long postmasterPid, TestPostgres.Database server) {
        this.postmasterPid = postmasterPid;
        this.server = server;
    }

    /** @param server a database of the race's own, from which the others are watched and dropped */
    static PostgresServer of(TestPostgres.Database server) throws SQLException {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement();
             ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            return new PostgresServer(ProcessCpu.parentOf(backend.getLong(1)), server);
        }
    }

    /**
     * Drops a database a system is done with, so that its autovacuum (which a large insert sets off
     * after the phase ended) never runs into the next system's timed phase.
     */
    void drop(TestPostgres.Database database) throws SQLException {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE \"" + database.name() + "\" WITH (FORCE)");
        }
    }

    /** Where a timed phase starts: the pages the set-up dirtied are written, the counters read. */
    Sample checkpointAndSample(TestPostgres.Database database, Progress progress) throws SQLException, InterruptedException {
        awaitNoAutovacuum(progress);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
        return sample(database);
    }

    /** The vacuum of the rows an earlier phase inserted runs before this phase's clock starts, not during it. */
    private void awaitNoAutovacuum(Progress progress) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + QUIET_TIMEOUT.toNanos();
        try (Connection connection = server.connect(); PreparedStatement statement = connection.prepareStatement(AUTOVACUUMS)) {
            while (true) {
                int running;
                try (ResultSet count = statement.executeQuery()) {
                    count.next();
                    running = count.getInt(1);
                }
                if (running == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("autovacuum still running after " + QUIET_TIMEOUT);
                }
                progress.maybe(() -> "  waiting for autovacuum to finish before the next timed phase");
                Thread.sleep(500);
            }
        }
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
