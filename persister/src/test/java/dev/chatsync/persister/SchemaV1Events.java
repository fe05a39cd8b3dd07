package dev.chatsync.persister;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;

import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.serde.SchemaHistory;

/**
 * Events as a producer on schema version 1 wrote them (before parts and metadata), single-object
 * encoded with that version's fingerprint: the bytes an old ingest-api left on the topic.
 */
public final class SchemaV1Events {

    private static final Schema V1 = SchemaHistory.conversationEventVersions().get(0);
    private static final Schema MESSAGE_UPSERTED = V1.getField("payload").schema().getTypes().stream()
            .filter(type -> type.getName().equals("MessageUpserted")).findFirst().orElseThrow();
    private static final BinaryMessageEncoder<GenericRecord> ENCODER = new BinaryMessageEncoder<>(GenericData.get(), V1);

    private SchemaV1Events() {
    }

    public static byte[] message(String userId, String conversationId, String messageId, MessageRole role, String content, Instant acceptedAt) {
        GenericRecord payload = new GenericRecordBuilder(MESSAGE_UPSERTED)
                .set("personaId", "hitesh")
                .set("title", "Learning Kafka")
                .set("messageId", messageId)
                .set("role", new GenericData.EnumSymbol(MESSAGE_UPSERTED.getField("role").schema(), role.name()))
                .set("content", content)
                .set("createdAt", null)
                .build();
        GenericRecord event = new GenericRecordBuilder(V1)
                .set("eventId", UUID.randomUUID().toString())
                .set("userId", userId)
                .set("conversationId", conversationId)
                .set("acceptedAt", acceptedAt.toEpochMilli())
                .set("payload", payload)
                .build();
        try {
            ByteBuffer buffer = ENCODER.encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
