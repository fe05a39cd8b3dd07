package dev.chatsync.schemas;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;

/** Test events: the schemas tests' persona, title and times around {@link Envelopes}. */
public final class Events {

    private static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T10:15:30.123Z");

    private Events() {
    }

    public static ConversationEvent messageUpserted(String userId, String conversationId, String messageId, MessageRole role, String content) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT, MessageUpserted.newBuilder()
                .setPersonaId("hitesh")
                .setTitle("Learning Kafka")
                .setMessageId(messageId)
                .setRole(role)
                .setContent(content)
                .setCreatedAt(ACCEPTED_AT.minus(2, ChronoUnit.SECONDS))
                .build());
    }

    public static ConversationEvent conversationUpserted(String userId, String conversationId, String personaId, String title) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT, ConversationUpserted.newBuilder().setPersonaId(personaId).setTitle(title).build());
    }

    public static ConversationEvent conversationDeleted(String userId, String conversationId) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT, ConversationDeleted.newBuilder().build());
    }
}
