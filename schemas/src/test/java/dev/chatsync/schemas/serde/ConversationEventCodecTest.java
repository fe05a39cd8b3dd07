package dev.chatsync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.Events;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;

class ConversationEventCodecTest {

    private final ConversationEventSerializer serializer = new ConversationEventSerializer();
    private final ConversationEventDeserializer deserializer = new ConversationEventDeserializer();

    @Test
    void bytesStartWithTheSingleObjectHeaderAndTheSchemaFingerprint() {
        byte[] bytes = serializer.serialize("t", Events.messageUpserted("user_1", "c", "m1", MessageRole.user, "hi"));

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        Schema schema = ConversationEvent.getClassSchema();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
    }

    @Test
    void contentSurvivesUnicodeAndLongText() {
        String content = "नमस्ते 👋 — ".repeat(2_000);
        ConversationEvent event = Events.messageUpserted("user_1", "hitesh-conversation", "m-😀", MessageRole.assistant, content);

        assertThat(deserializer.deserialize("t", serializer.serialize("t", event))).isEqualTo(event);
    }

    @Test
    void partsAndMetadataSurviveAsTheirJsonText() {
        ConversationEvent event = Events.messageUpserted("user_1", "c", "m1", MessageRole.assistant, "It is 21.5 °C.");
        MessageUpserted message = (MessageUpserted) event.getPayload();
        message.setParts("[{\"type\":\"tool-getWeather\",\"toolCallId\":\"c1\",\"state\":\"output-available\","
                + "\"input\":{\"city\":\"Berlin\"},\"output\":{\"tempC\":21.5}}, {\"type\":\"text\",\"text\":\"It is 21.5 °C.\"}]");
        message.setMetadata("{\"model\":\"gpt\",\"tokens\":{\"in\":12,\"out\":40}}");

        ConversationEvent decoded = deserializer.deserialize("t", serializer.serialize("t", event));

        assertThat(decoded).isEqualTo(event);
        assertThat(((MessageUpserted) decoded.getPayload()).getParts()).isEqualTo(message.getParts());
    }

    @Test
    void anEventWrittenWithVersionOneDecodesWithoutPartsOrMetadata() throws Exception {
        Schema v1 = SchemaHistory.conversationEventVersions().get(0);
        Schema messageUpserted = v1.getField("payload").schema().getTypes().get(0);
        GenericRecord payload = new GenericRecordBuilder(messageUpserted)
                .set("personaId", "hitesh").set("title", null).set("messageId", "m1")
                .set("role", new GenericData.EnumSymbol(messageUpserted.getField("role").schema(), "user"))
                .set("content", "written by v1").set("createdAt", null)
                .build();
        GenericRecord written = new GenericRecordBuilder(v1)
                .set("eventId", "e1").set("userId", "user_1").set("conversationId", "c").set("acceptedAt", 1_764_000_000_123L)
                .set("payload", payload)
                .build();
        ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(written);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);

        ConversationEvent event = deserializer.deserialize("t", bytes);

        assertThat(messageUpserted.getName()).isEqualTo("MessageUpserted");
        assertThat(messageUpserted.getField("parts")).isNull();
        MessageUpserted message = (MessageUpserted) event.getPayload();
        assertThat(message.getContent()).isEqualTo("written by v1");
        assertThat(message.getParts()).isNull();
        assertThat(message.getMetadata()).isNull();
        assertThat(event.getAcceptedAt().toEpochMilli()).isEqualTo(1_764_000_000_123L);
    }

    @Test
    void garbageIsASerializationException() {
        assertThatThrownBy(() -> deserializer.deserialize("events", "not avro at all".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("events");
    }

    @Test
    void anUnknownSchemaFingerprintIsASerializationException() {
        byte[] bytes = serializer.serialize("t", Events.conversationDeleted("user_1", "c"));
        bytes[5] ^= 0x5A;

        assertThatThrownBy(() -> deserializer.deserialize("t", bytes)).isInstanceOf(SerializationException.class);
    }

    @Test
    void aTruncatedBodyIsASerializationException() {
        byte[] bytes = serializer.serialize("t", Events.messageUpserted("user_1", "c", "m1", MessageRole.user, "hello there"));

        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(bytes, bytes.length - 6)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void nullStaysNullForTombstones() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }
}
