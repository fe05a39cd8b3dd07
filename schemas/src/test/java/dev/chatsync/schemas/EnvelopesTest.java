package dev.chatsync.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;

class EnvelopesTest {

    private static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T10:15:30.123Z");

    @Test
    void carriesTheConversationItsTimeAndThePayload() {
        ConversationDeleted deleted = ConversationDeleted.newBuilder().build();
        ConversationEvent event = Envelopes.of("user_1", "hitesh-conversation", ACCEPTED_AT, deleted);
        assertThat(event.getUserId()).isEqualTo("user_1");
        assertThat(event.getConversationId()).isEqualTo("hitesh-conversation");
        assertThat(event.getAcceptedAt()).isEqualTo(ACCEPTED_AT);
        assertThat(event.getPayload()).isEqualTo(deleted);
    }

    @Test
    void eachEventGetsANewVersion4Id() {
        UUID first = UUID.fromString(Envelopes.of("u", "c", ACCEPTED_AT, ConversationDeleted.newBuilder().build()).getEventId());
        UUID second = UUID.fromString(Envelopes.of("u", "c", ACCEPTED_AT, ConversationDeleted.newBuilder().build()).getEventId());
        assertThat(first).isNotEqualTo(second);
        assertThat(first.version()).isEqualTo(4);
        assertThat(first.variant()).isEqualTo(2);
    }
}
