package dev.chatsync.persister.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.TestEvents;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.serde.ConversationEventCodec;

class RecordDecoderTest {

    private static final byte[] EVENT = ConversationEventCodec.encode(TestEvents.message("user_1", "c1", "m1", MessageRole.user, "hi"));

    @Test
    void aWellFormedEventUnderItsConversationKeyDecodes() {
        Decoded decoded = RecordDecoder.decode(record("user_1/c1", EVENT));

        assertThat(decoded).isInstanceOfSatisfying(Decoded.Event.class,
                event -> assertThat(event.event().getConversationId()).isEqualTo("c1"));
    }

    @Test
    void undecodableBytesAreADeadLetter() {
        Decoded decoded = RecordDecoder.decode(record("user_1/c1", "garbage".getBytes(StandardCharsets.UTF_8)));

        assertThat(decoded).isInstanceOfSatisfying(Decoded.DeadLetter.class,
                deadLetter -> assertThat(deadLetter.reason()).isInstanceOf(SerializationException.class));
    }

    @Test
    void anEventUnderAnotherConversationsKeyIsADeadLetter() {
        assertThat(RecordDecoder.decode(record("user_1/other", EVENT))).isInstanceOfSatisfying(Decoded.DeadLetter.class,
                deadLetter -> assertThat(deadLetter.reason()).isInstanceOf(InvalidEventException.class).hasMessageContaining("user_1/other"));
        assertThat(RecordDecoder.decode(record(null, EVENT))).isInstanceOf(Decoded.DeadLetter.class);
    }

    @Test
    void aTombstoneIsADeadLetter() {
        assertThat(RecordDecoder.decode(record("user_1/c1", null))).isInstanceOfSatisfying(Decoded.DeadLetter.class,
                deadLetter -> assertThat(deadLetter.reason()).hasMessageContaining("tombstone"));
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("events", 0, 7, key, value);
    }
}
