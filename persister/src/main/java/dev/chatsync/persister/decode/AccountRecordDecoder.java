package dev.chatsync.persister.decode;

import java.util.List;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.serde.AccountEventDeserializer;

/**
 * Decodes the raw records of the accounts topic, as {@link RecordDecoder} does those of the events
 * topic: a record that can never be applied becomes a dead letter instead of stalling its partition.
 */
public final class AccountRecordDecoder {

    private static final AccountEventDeserializer DESERIALIZER = new AccountEventDeserializer();

    private AccountRecordDecoder() {
    }

    /** The record's event; empty, and its dead letter added to {@code deadLetters}, when it has none. */
    public static Optional<AccountEvent> decode(ConsumerRecord<String, byte[]> record, List<Decoded.DeadLetter> deadLetters) {
        try {
            return Optional.of(validated(record));
        } catch (SerializationException | InvalidEventException e) {
            deadLetters.add(new Decoded.DeadLetter(record, e));
            return Optional.empty();
        }
    }

    private static AccountEvent validated(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidEventException("null value (tombstone) on the accounts topic");
        }
        AccountEvent event = DESERIALIZER.deserialize(record.topic(), record.value());
        String userId = event.getUserId();
        if (userId.isEmpty() || userId.indexOf('/') >= 0) {
            throw new InvalidEventException("invalid user id: " + userId);
        }
        // one account's events are ordered by their key; an event under another key may be reordered
        if (!userId.equals(record.key())) {
            throw new InvalidEventException("record key " + record.key() + " is not the event's user " + userId);
        }
        return event;
    }
}
