package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.chatsync.persister.deadletter.DeadLetterPublisher;
import dev.chatsync.persister.decode.AccountRecordDecoder;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.UserProfileChanged;

/**
 * Applies a batch of the accounts topic in one transaction, each event in Kafka order: profile changes
 * ({@link ProfileUpserts}) and deletions ({@link AccountDeletes}). Every account event is idempotent, so
 * unlike {@link BatchWriter} this needs no positions in kafka_offsets: a batch redelivered after a
 * crash is applied again to the same result. Account events are rare, so one event costs a few
 * statements; an event the database refuses is dead-lettered under a savepoint of its own.
 */
@Component
public class AccountWriter {

    private static final Logger log = LoggerFactory.getLogger(AccountWriter.class);

    private final DataSource dataSource;
    private final DeadLetterPublisher deadLetterPublisher;

    AccountWriter(DataSource dataSource, DeadLetterPublisher deadLetterPublisher) {
        this.dataSource = dataSource;
        this.deadLetterPublisher = deadLetterPublisher;
    }

    /** @throws RetriableBatchException when nothing was committed and the batch must be tried again */
    public void write(List<ConsumerRecord<String, byte[]>> records) {
        WriteTransaction.run(dataSource, connection -> {
            List<Decoded.DeadLetter> deadLetters = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                Optional<AccountEvent> event = AccountRecordDecoder.decode(record, deadLetters);
                if (event.isPresent()) {
                    applyOrDeadLetter(connection, record, event.get(), deadLetters);
                }
            }
            // before the commit: a crash in between publishes a dead letter twice, never loses one
            deadLetterPublisher.publish(deadLetters);
            return null;
        }, started -> {
            // account events are rare: their commits are not a stage of the events' batches
        });
    }

    private static void applyOrDeadLetter(Connection connection, ConsumerRecord<String, byte[]> record, AccountEvent event,
            List<Decoded.DeadLetter> deadLetters) throws SQLException {
        Savepoint savepoint = connection.setSavepoint();
        try {
            apply(connection, event);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            PermanentDataException refused = DatabaseFailures.permanentOrThrow(e);
            connection.rollback(savepoint);
            deadLetters.add(new Decoded.DeadLetter(record, refused.sqlException()));
        }
    }

    private static void apply(Connection connection, AccountEvent event) throws SQLException {
        Object payload = event.getPayload();
        if (payload instanceof UserProfileChanged profile) {
            ProfileUpserts.upsert(connection, event.getUserId(), profile);
        } else if (payload instanceof AccountDeleted deleted) {
            AccountDeletes.delete(connection, event.getUserId(), event.getAcceptedAt());
            log.info("account {} deleted ({}, event {})", event.getUserId(), deleted.getSource(), event.getEventId());
        } else {
            throw new IllegalStateException("unknown account event payload " + payload.getClass());
        }
    }
}
