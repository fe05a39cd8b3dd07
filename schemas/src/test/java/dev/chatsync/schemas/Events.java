package dev.chatsync.schemas;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;

/** Named factories for test events. */
public final class Events {

    private static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T10:15:30.123Z");

    private Events() {
    }

    public static ConversationEvent messageUpserted(String userId, String conversationId, String messageId, MessageRole role, String content) {
        return envelope(userId, conversationId, MessageUpserted.newBuilder()
                .setPersonaId("hitesh")
                .setTitle("Learning Kafka")
                .setMessageId(messageId)
                .setRole(role)
                .setContent(content)
                .setCreatedAt(ACCEPTED_AT.minus(2, ChronoUnit.SECONDS))
                .build());
    }

    public static ConversationEvent conversationUpserted(String userId, String conversationId, String personaId, String title) {
        return envelope(userId, conversationId, ConversationUpserted.newBuilder().setPersonaId(personaId).setTitle(title).build());
    }

    public static ConversationEvent conversationDeleted(String userId, String conversationId) {
        return envelope(userId, conversationId, ConversationDeleted.newBuilder().build());
    }

    private static ConversationEvent envelope(String userId, String conversationId, Object payload) {
        return ConversationEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setUserId(userId)
                .setConversationId(conversationId)
                .setAcceptedAt(ACCEPTED_AT)
                .setPayload(payload)
                .build();
    }
}
