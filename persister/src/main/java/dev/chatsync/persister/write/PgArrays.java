package dev.chatsync.persister.write;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Function;

/**
 * Column arrays for the {@code unnest(...)} statements: one bound array per column sends a whole batch
 * in one parameter set, so statement count stays constant however large the batch.
 */
final class PgArrays {

    private PgArrays() {
    }

    static <T> Array text(Connection connection, Collection<T> rows, Function<T, String> column) throws SQLException {
        return connection.createArrayOf("text", rows.stream().map(column).toArray(String[]::new));
    }

    static <T> Array bytea(Connection connection, Collection<T> rows, Function<T, byte[]> column) throws SQLException {
        return connection.createArrayOf("bytea", rows.stream().map(column).toArray(byte[][]::new));
    }

    static <T> Array int4(Connection connection, Collection<T> rows, Function<T, Integer> column) throws SQLException {
        return connection.createArrayOf("int4", rows.stream().map(column).toArray(Integer[]::new));
    }

    static <T> Array int8(Connection connection, Collection<T> rows, Function<T, Long> column) throws SQLException {
        return connection.createArrayOf("int8", rows.stream().map(column).toArray(Long[]::new));
    }

    /**
     * Times as int8 epoch milliseconds, the precision events carry; the statement's input CTE turns them
     * into timestamptz with {@code timestamptz 'epoch' + ms * interval '1 millisecond'}, which is exact,
     * where {@code to_timestamp(seconds)} would round through floating-point seconds.
     */
    static <T> Array epochMillis(Connection connection, Collection<T> rows, Function<T, Instant> column) throws SQLException {
        return int8(connection, rows, row -> column.apply(row).toEpochMilli());
    }
}
