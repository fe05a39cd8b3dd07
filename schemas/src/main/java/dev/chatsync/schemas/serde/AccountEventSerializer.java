package dev.chatsync.schemas.serde;

import org.apache.kafka.common.serialization.Serializer;

import dev.chatsync.schemas.event.AccountEvent;

/** Kafka serializer writing {@link AccountEvent}s in Avro single-object encoding. */
public class AccountEventSerializer implements Serializer<AccountEvent> {

    @Override
    public byte[] serialize(String topic, AccountEvent event) {
        return event == null ? null : AccountEventCodec.encode(event);
    }
}
