package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * One transaction of the persister's: the work commits whole or is rolled back, and whatever fails
 * reaches the listener as a {@link RetriableBatchException}, since nothing was committed and retrying
 * is safe.
 */
final class WriteTransaction {

    /** What runs inside the transaction; the commit is {@link #run}'s. */
    interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Told when the commit that began at {@code startedNanos} returned. */
    interface CommitTimer {
        void committed(long startedNanos);
    }

    private WriteTransaction() {
    }

    static <T> T run(DataSource dataSource, Work<T> work, CommitTimer timer) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                long committing = System.nanoTime();
                // A commit that fails on a dropped connection may still have committed; the retry then
                // finds the records below next_offset and skips them, so the ambiguity is harmless.
                connection.commit();
                timer.committed(committing);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseFailures.retriable(e);
        } catch (RetriableBatchException e) {
            throw e;
        } catch (RuntimeException e) {
            // dead-letter topic unreachable, or a bug: nothing committed, so retrying is safe
            throw DatabaseFailures.retriable(e);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is likely gone, which rolls the transaction back anyway
            cause.addSuppressed(e);
        }
    }
}
