package dev.chatsync.persister.prune;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.chatsync.changes.ChangesFeedProperties;
import dev.chatsync.persister.PersisterProperties;
import dev.chatsync.persister.metrics.PersisterMetrics;

/**
 * Deletes the tombstones of conversations deleted longer ago than the retention, one bounded chunk per
 * transaction, and moves {@code feed_horizon.pruned_xid} to the newest stamp it pruned in the same
 * transaction: the API answers 410 to a feed cursor below it, because that device may have missed a
 * delete. Safe on several instances at once.
 */
@Component
class TombstonePruner {

    private static final Logger log = LoggerFactory.getLogger(TombstonePruner.class);

    // SKIP LOCKED: a tombstone the batch writer is moving forward (a re-delete), or another instance
    // is pruning, is left for later instead of waited for, so pruning never queues behind a batch and
    // two instances prune disjoint chunks. The horizon row is locked only until the chunk commits;
    // GREATEST keeps it from moving back when two instances' chunks commit out of order. ORDER BY
    // rather than max(), which older Postgres versions lack for xid8.
    private static final String PRUNE = """
            WITH expired AS (
                SELECT user_id, conversation_id FROM conversation_tombstones
                WHERE deleted_at < timestamptz 'epoch' + ?::int8 * interval '1 millisecond'
                ORDER BY deleted_at
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            ), pruned AS (
                DELETE FROM conversation_tombstones t
                USING expired e
                WHERE t.user_id = e.user_id AND t.conversation_id = e.conversation_id
                RETURNING t.change_xid
            ), horizon AS (
                UPDATE feed_horizon h SET pruned_xid = GREATEST(h.pruned_xid, p.newest)
                FROM (SELECT change_xid AS newest FROM pruned ORDER BY change_xid DESC LIMIT 1) p
                WHERE p.newest > h.pruned_xid
            )
            SELECT count(*) FROM pruned
            """;

    private final DataSource dataSource;
    private final Duration retention;
    private final int chunkSize;
    private final PersisterMetrics metrics;

    TombstonePruner(DataSource dataSource, ChangesFeedProperties changes, PersisterProperties properties, PersisterMetrics metrics) {
        this.dataSource = dataSource;
        this.retention = changes.tombstoneRetention();
        this.chunkSize = properties.pruning().chunkSize();
        this.metrics = metrics;
    }

    /** One pruning run, as scheduled; a failure is logged and the next run tries again. */
    void pruneOnSchedule() {
        try {
            int pruned = pruneExpired();
            if (pruned > 0) {
                log.info("pruned {} tombstones of conversations deleted more than {} ago", pruned, retention);
            }
        } catch (SQLException e) {
            log.warn("tombstones not pruned, next run tries again: {} [SQLSTATE {}]", e.getMessage(), e.getSQLState());
        }
    }

    /** @return how many tombstones were deleted, in as many chunks as it took */
    int pruneExpired() throws SQLException {
        Instant cutoff = Instant.now().minus(retention);
        int total = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            int chunk;
            do {
                chunk = pruneChunk(connection, cutoff);
                total += chunk;
                metrics.pruned(chunk);
            } while (chunk == chunkSize);
        }
        return total;
    }

    private int pruneChunk(Connection connection, Instant cutoff) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PRUNE)) {
            statement.setLong(1, cutoff.toEpochMilli());
            statement.setInt(2, chunkSize);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
