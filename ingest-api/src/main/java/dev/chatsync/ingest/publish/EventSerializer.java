package dev.chatsync.ingest.publish;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.serde.AccountEventCodec;
import dev.chatsync.schemas.serde.ConversationEventCodec;

/**
 * The one producer's serializer: conversation events for the events topic, account events for the
 * accounts topic, each in its schema's single-object encoding. One producer for both keeps one
 * idempotent session and one set of connections per instance.
 */
final class EventSerializer implements Serializer<SpecificRecord> {

    @Override
    public byte[] serialize(String topic, SpecificRecord event) {
        if (event == null) {
            return null;
        }
        if (event instanceof ConversationEvent conversationEvent) {
            return ConversationEventCodec.encode(conversationEvent);
        }
        if (event instanceof AccountEvent accountEvent) {
            return AccountEventCodec.encode(accountEvent);
        }
        throw new IllegalArgumentException("not an event type of chat-sync: " + event.getClass().getName());
    }
}
