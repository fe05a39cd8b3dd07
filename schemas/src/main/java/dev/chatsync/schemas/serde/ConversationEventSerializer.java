package dev.chatsync.schemas.serde;

import org.apache.kafka.common.serialization.Serializer;

import dev.chatsync.schemas.event.ConversationEvent;

/** Kafka serializer writing {@link ConversationEvent}s in Avro single-object encoding. */
public class ConversationEventSerializer implements Serializer<ConversationEvent> {

    @Override
    public byte[] serialize(String topic, ConversationEvent event) {
        return event == null ? null : ConversationEventCodec.encode(event);
    }
}
