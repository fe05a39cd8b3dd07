package dev.chatsync.persister.write;

import java.sql.SQLException;

/**
 * The one place that decides whether a database failure is the data's fault (dead-letter the record)
 * or the database's (retry the batch). Only SQLSTATE classes 22 (data exception: NUL in text, bad
 * encoding, value too long) and 23 (integrity: check, not-null, foreign key) blame the data. Everything
 * else retries without limit: connection loss and Neon waking (08xxx, 57P01..57P03), serialization and
 * deadlock (40001, 40P01), resources (53xxx), but also states nobody foresaw, because dead-lettering a
 * whole topic over a bug or an outage is worse than a stalled, alerting consumer.
 */
final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /** @throws RetriableBatchException unless the failure blames the data */
    static PermanentDataException permanentOrThrow(SQLException failure) {
        String state = failure.getSQLState();
        if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
            return new PermanentDataException(failure);
        }
        throw retriable(failure);
    }

    static RetriableBatchException retriable(Exception failure) {
        String state = failure instanceof SQLException sql && sql.getSQLState() != null ? " [SQLSTATE " + sql.getSQLState() + "]" : "";
        return new RetriableBatchException("batch not written, will retry: " + failure.getMessage() + state, failure);
    }
}
