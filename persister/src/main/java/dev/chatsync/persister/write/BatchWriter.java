package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.stereotype.Component;

import dev.chatsync.persister.deadletter.DeadLetterPublisher;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.fold.BatchFolder;
import dev.chatsync.persister.fold.FoldedBatch;
import dev.chatsync.persister.fold.FoldedBatch.Generation;
import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.persister.metrics.PersisterMetrics;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.persister.topics.TopicIds;
import dev.chatsync.persister.write.MessageUpserts.Written;
import dev.chatsync.persister.write.RateLimitCounts.UserDay;
import dev.chatsync.schemas.ConversationKey;

/**
 * Writes one consumed batch in one transaction: lock the partitions' positions, drop what is already
 * applied, fold and write the rest set-based, advance the positions, publish dead letters, commit.
 * Either all of it commits or none of it does, so Kafka offsets committed afterwards never get ahead
 * of the database, and a redelivered batch changes nothing.
 */
@Component
public class BatchWriter {

    private final DataSource dataSource;
    private final TopicIds topicIds;
    private final DeadLetterPublisher deadLetterPublisher;
    private final PersisterMetrics metrics;

    BatchWriter(DataSource dataSource, TopicIds topicIds, DeadLetterPublisher deadLetterPublisher, PersisterMetrics metrics) {
        this.dataSource = dataSource;
        this.topicIds = topicIds;
        this.deadLetterPublisher = deadLetterPublisher;
        this.metrics = metrics;
    }

    /**
     * @param batch records of one topic, in Kafka order per partition
     * @throws RetriableBatchException when nothing was committed and the batch must be tried again
     */
    public BatchResult write(List<Decoded> batch) {
        if (batch.isEmpty()) {
            return new BatchResult(0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        String topic = batch.get(0).record().topic();
        UUID topicId;
        try {
            topicId = topicIds.idOf(topic);
        } catch (RuntimeException e) {
            throw DatabaseFailures.retriable(e);
        }
        return WriteTransaction.run(dataSource, connection -> writeRefusingNothing(connection, topicId, topic, batch),
                started -> metrics.timed(Stage.COMMIT, started));
    }

    /**
     * Writes the batch without savepoints, which would cost two round trips a batch; only when the
     * database refuses some of its data is the transaction rolled back and the batch written again,
     * finding the refused records by {@link #applyBisecting}.
     */
    private BatchResult writeRefusingNothing(Connection connection, UUID topicId, String topic, List<Decoded> batch) throws SQLException {
        try {
            return writeInTransaction(connection, topicId, topic, batch, false);
        } catch (SQLException e) {
            DatabaseFailures.permanentOrThrow(e);
            connection.rollback();
            return writeInTransaction(connection, topicId, topic, batch, true);
        }
    }

    private BatchResult writeInTransaction(Connection connection, UUID topicId, String topic, List<Decoded> batch, boolean bisect)
            throws SQLException {
        SortedMap<Integer, Long> nextOffsets = new TreeMap<>();
        for (Decoded decoded : batch) {
            nextOffsets.merge(decoded.record().partition(), decoded.record().offset() + 1, Math::max);
        }
        long locking = System.nanoTime();
        Map<Integer, Long> applied = KafkaOffsets.lock(connection, topicId, topic, new TreeSet<>(nextOffsets.keySet()));
        metrics.timed(Stage.LOCK_OFFSETS, locking);

        BatchTally tally = new BatchTally();
        List<Decoded.Event> events = new ArrayList<>(batch.size());
        for (Decoded decoded : batch) {
            ConsumerRecord<String, byte[]> record = decoded.record();
            if (record.offset() < applied.getOrDefault(record.partition(), 0L)) {
                tally.alreadyApplied++;
            } else if (decoded instanceof Decoded.DeadLetter deadLetter) {
                tally.deadLetters.add(deadLetter);
            } else {
                events.add((Decoded.Event) decoded);
            }
        }
        if (bisect) {
            applyBisecting(connection, events, tally);
        } else if (!events.isEmpty()) {
            tally.add(apply(connection, events));
        }
        long at = System.nanoTime();
        KafkaOffsets.advance(connection, topicId, nextOffsets);
        at = metrics.timed(Stage.ADVANCE_OFFSETS, at);
        // Before the commit: a crash in between publishes a dead letter twice, never loses one.
        deadLetterPublisher.publish(tally.deadLetters);
        metrics.timed(Stage.DEAD_LETTERS, at);
        return tally.result();
    }

    /**
     * Applies the events; when the database refuses the data, halves the list until the refused
     * records are found, dead-letters those and applies the rest. Halves apply in order, so the
     * result equals applying the surviving events one by one.
     */
    private void applyBisecting(Connection connection, List<Decoded.Event> events, BatchTally tally) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        long at = System.nanoTime();
        Savepoint savepoint = connection.setSavepoint();
        metrics.timed(Stage.SAVEPOINTS, at);
        try {
            BatchTally attempt = apply(connection, events);
            at = System.nanoTime();
            connection.releaseSavepoint(savepoint);
            metrics.timed(Stage.SAVEPOINTS, at);
            tally.add(attempt);
        } catch (SQLException e) {
            PermanentDataException refused = DatabaseFailures.permanentOrThrow(e);
            connection.rollback(savepoint);
            if (events.size() == 1) {
                tally.deadLetters.add(new Decoded.DeadLetter(events.get(0).record(), refused.sqlException()));
            } else {
                int half = events.size() / 2;
                applyBisecting(connection, events.subList(0, half), tally);
                applyBisecting(connection, events.subList(half, events.size()), tally);
            }
        }
    }

    private BatchTally apply(Connection connection, List<Decoded.Event> events) throws SQLException {
        long at = System.nanoTime();
        FoldedBatch folded = BatchFolder.fold(events.stream().map(Decoded.Event::event).toList());
        at = metrics.timed(Stage.FOLD, at);
        BatchTally tally = new BatchTally();
        SortedMap<UserDay, Integer> newUserMessages = new TreeMap<>();
        AccountGate.Admitted admitted = AccountGate.admit(connection, folded, events);
        folded = admitted.folded();
        tally.skippedAccountDeleted += admitted.dropped();
        at = metrics.timed(Stage.USERS, at);
        for (Generation generation : folded.generations()) {
            tally.deleted += ConversationDeletes.delete(connection, generation.deletes());
            at = metrics.timed(Stage.DELETES, at);
            Map<ConversationKey, Long> conversationIds = ConversationUpserts.upsert(connection, generation.conversations(), generation.arrivals());
            at = metrics.timed(Stage.CONVERSATIONS, at);
            for (List<MessageVersion> round : generation.messageRounds()) {
                List<Written> written = MessageUpserts.upsert(connection, round, conversationIds, metrics);
                for (Written w : written) {
                    switch (w.kind()) {
                        case UPDATED -> tally.updated++;
                        case KEPT_AS_CONFLICT -> tally.keptAsConflict++;
                        case SKIPPED_DELETED -> tally.skippedDeleted++;
                        case INSERTED -> {
                            tally.inserted++;
                            if ("user".equals(w.message().role())) {
                                UserDay day = new UserDay(w.message().conversation().userId(), w.message().acceptedAt().atOffset(ZoneOffset.UTC).toLocalDate());
                                newUserMessages.merge(day, 1, Integer::sum);
                            }
                        }
                    }
                }
                tally.unchanged += round.size() - written.size();
                at = System.nanoTime();
            }
        }
        RateLimitCounts.add(connection, newUserMessages);
        metrics.timed(Stage.RATE_LIMITS, at);
        return tally;
    }

    /** Counts and dead letters of one batch while it is being written; {@link #result()} freezes them. */
    private static final class BatchTally {
        private int inserted;
        private int updated;
        private int keptAsConflict;
        private int unchanged;
        private int skippedDeleted;
        private int skippedAccountDeleted;
        private int deleted;
        private int alreadyApplied;
        private final List<Decoded.DeadLetter> deadLetters = new ArrayList<>();

        void add(BatchTally other) {
            inserted += other.inserted;
            updated += other.updated;
            keptAsConflict += other.keptAsConflict;
            unchanged += other.unchanged;
            skippedDeleted += other.skippedDeleted;
            skippedAccountDeleted += other.skippedAccountDeleted;
            deleted += other.deleted;
            deadLetters.addAll(other.deadLetters);
        }

        BatchResult result() {
            return new BatchResult(inserted, updated, keptAsConflict, unchanged, skippedDeleted, skippedAccountDeleted, deleted,
                    deadLetters.size(), alreadyApplied);
        }
    }
}
