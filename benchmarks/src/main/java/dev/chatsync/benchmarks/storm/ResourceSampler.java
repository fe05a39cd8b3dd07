package dev.chatsync.benchmarks.storm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.chatsync.benchmarks.ingest.ApiProcess;
import dev.chatsync.testsupport.TestPostgres;

/**
 * CPU used so far by each process of a run, the API's JVM, this one (load generator, broker,
 * persister, proxy) and Postgres (its postmaster and every backend), and the rows the run's database
 * has written (pg_stat_database: inserted and updated, every table, kafka_offsets included).
 */
final class ResourceSampler implements AutoCloseable {

    private static final String ROWS_WRITTEN = """
            SELECT tup_inserted + tup_updated FROM pg_stat_database WHERE datname = current_database()
            """;

    private final ApiProcess api;
    private final Optional<ProcessHandle> postmaster;
    private final Connection connection;

    ResourceSampler(ApiProcess api, TestPostgres.Database database) throws SQLException {
        this.api = api;
        this.postmaster = postmaster(database.port());
        this.connection = database.connect();
    }

    Measurements.Sample sample() throws SQLException {
        long now = System.nanoTime();
        long postgres = postmaster.map(p -> Stream.concat(Stream.of(p), p.descendants())
                .mapToLong(ResourceSampler::cpuNanos).sum()).orElse(0L);
        return new Measurements.Sample(api.cpu().toNanos(), cpuNanos(ProcessHandle.current()), postgres, rowsWritten(), now);
    }

    boolean seesPostgres() {
        return postmaster.isPresent();
    }

    private long rowsWritten() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ROWS_WRITTEN); ResultSet row = statement.executeQuery()) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * The server listening on this port: the process named postgres whose arguments say {@code -p port}.
     * Backends that ended took their CPU with them; the pools' connections live through a run.
     */
    private static Optional<ProcessHandle> postmaster(int port) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> listens(Arrays.asList(a), port)).orElse(false))
                .findFirst();
    }

    private static boolean listens(List<String> arguments, int port) {
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals("-p") && i + 1 < arguments.size() && arguments.get(i + 1).equals(Integer.toString(port))) {
                return true;
            }
            if (argument.equals("-p" + port) || argument.equals("port=" + port)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
