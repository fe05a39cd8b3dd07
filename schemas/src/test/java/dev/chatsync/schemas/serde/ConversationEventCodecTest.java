package dev.chatsync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.Events;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;

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
