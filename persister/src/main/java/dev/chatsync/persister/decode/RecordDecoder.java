package dev.chatsync.persister.decode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.serde.ConversationEventDeserializer;

/**
 * Decodes raw record values here rather than in the consumer: a deserializer failure inside
 * {@code poll()} would stall the partition, whereas a {@link Decoded.DeadLetter} simply goes to the
 * dead-letter topic with the rest of its batch. Only structural checks live here; whether text can
 * be stored (NUL characters, broken surrogates) is left to the database, whose verdict
 * {@code BatchWriter} turns into dead letters by bisecting.
 */
public final class RecordDecoder {

    private static final ConversationEventDeserializer DESERIALIZER = new ConversationEventDeserializer();

    private RecordDecoder() {
    }

    public static Decoded decode(ConsumerRecord<String, byte[]> record) {
        try {
            return new Decoded.Event(record, validated(record));
        } catch (SerializationException | InvalidEventException e) {
            return new Decoded.DeadLetter(record, e);
        }
    }

    private static ConversationEvent validated(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            throw new InvalidEventException("null value (tombstone) on the events topic");
        }
        ConversationEvent event = DESERIALIZER.deserialize(record.topic(), record.value());
        ConversationKey identity;
        try {
            identity = new ConversationKey(event.getUserId(), event.getConversationId());
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("invalid conversation identity: " + e.getMessage());
        }
        // Ordering per conversation rests on the key; an event under another key may be reordered.
        if (!identity.toString().equals(record.key())) {
            throw new InvalidEventException("record key " + record.key() + " is not the event's conversation " + identity);
        }
        return event;
    }
}
