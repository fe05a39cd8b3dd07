package dev.chatsync.persister.write;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Column arrays for the {@code unnest(...)} statements: one bound array per column sends a whole batch
 * in one parameter set, so statement count stays constant however large the batch.
 */
final class PgArrays {

    /** SQL turning a bound epoch-milliseconds value into timestamptz, exactly (no floating point). */
    static String timestamp(String millisColumn) {
        return "(timestamptz 'epoch' + " + millisColumn + " * interval '1 millisecond')";
    }

    private PgArrays() {
    }

    static <T> Array text(Connection connection, List<T> rows, Function<T, String> column) throws SQLException {
        return connection.createArrayOf("text", rows.stream().map(column).toArray(String[]::new));
    }

    static <T> Array millis(Connection connection, List<T> rows, Function<T, Instant> column) throws SQLException {
        return connection.createArrayOf("int8", rows.stream().map(row -> column.apply(row).toEpochMilli()).toArray(Long[]::new));
    }

    static <T> Array int4(Connection connection, List<T> rows, Function<T, Integer> column) throws SQLException {
        return connection.createArrayOf("int4", rows.stream().map(column).toArray(Integer[]::new));
    }
}
