package dev.chatsync.schemas.serde;

import java.io.IOException;

import org.apache.avro.AvroRuntimeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.chatsync.schemas.event.AccountEvent;

/**
 * Kafka deserializer for {@link AccountEvent}s of any released schema version. Undecodable bytes
 * raise Kafka's {@link SerializationException}, which consumers treat as a poison record.
 */
public class AccountEventDeserializer implements Deserializer<AccountEvent> {

    @Override
    public AccountEvent deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return AccountEventCodec.decode(data);
        } catch (IOException | AvroRuntimeException | IllegalArgumentException e) {
            throw new SerializationException("not a decodable AccountEvent on " + topic + ": " + e.getMessage(), e);
        }
    }
}
