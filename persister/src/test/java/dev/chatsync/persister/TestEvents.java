package dev.chatsync.persister;

import java.time.Instant;

import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;

/**
 * Test events: the persister tests' persona and title around {@link Envelopes}, all accepted at
 * {@link #ACCEPTED_AT} plus a given number of seconds.
 */
public final class TestEvents {

    public static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T10:15:30.123Z");

    private TestEvents() {
    }

    public static ConversationEvent message(String userId, String conversationId, String messageId, MessageRole role, String content) {
        return message(userId, conversationId, messageId, role, content, 0);
    }

    public static ConversationEvent message(String userId, String conversationId, String messageId, MessageRole role, String content, long second) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT.plusSeconds(second), MessageUpserted.newBuilder()
                .setPersonaId("hitesh")
                .setTitle("Learning Kafka")
                .setMessageId(messageId)
                .setRole(role)
                .setContent(content)
                .setCreatedAt(null)
                .build());
    }

    /** A message as a client on the AI SDK sends it: parts and metadata as JSON text (either may be null). */
    public static ConversationEvent message(String userId, String conversationId, String messageId, MessageRole role, String content,
                                            String parts, String metadata, long second) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT.plusSeconds(second), MessageUpserted.newBuilder()
                .setPersonaId("hitesh")
                .setTitle("Learning Kafka")
                .setMessageId(messageId)
                .setRole(role)
                .setContent(content)
                .setCreatedAt(null)
                .setParts(parts)
                .setMetadata(metadata)
                .build());
    }

    /**
     * A message as a client that tracks revisions sends it: edited from {@code baseRevision}, the
     * revision a read returned it with.
     */
    public static ConversationEvent edit(String userId, String conversationId, String messageId, MessageRole role, String content,
                                         int baseRevision, long second) {
        ConversationEvent event = message(userId, conversationId, messageId, role, content, second);
        ((MessageUpserted) event.getPayload()).setBaseRevision(baseRevision);
        return event;
    }

    public static ConversationEvent conversation(String userId, String conversationId, String personaId, String title, long second) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT.plusSeconds(second), ConversationUpserted.newBuilder().setPersonaId(personaId).setTitle(title).build());
    }

    public static ConversationEvent deleted(String userId, String conversationId, long second) {
        return Envelopes.of(userId, conversationId, ACCEPTED_AT.plusSeconds(second), ConversationDeleted.newBuilder().build());
    }
}
