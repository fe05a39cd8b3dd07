package dev.chatsync.ingest.write;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageUpserted;

/** Builds the events of the pipeline contract from accepted requests. */
final class ConversationEvents {

    private ConversationEvents() {
    }

    static ConversationEvent messageUpserted(String userId, SyncRequest request, SyncRequest.Message message, Instant acceptedAt) {
        return Envelopes.of(userId, request.conversationId(), acceptedAt, MessageUpserted.newBuilder()
                .setPersonaId(request.personaId())
                .setTitle(request.title())
                .setMessageId(message.id())
                .setRole(message.role())
                .setContent(message.content())
                .setCreatedAt(message.createdAt())
                .setParts(message.parts())
                .setMetadata(message.metadata())
                .setBaseRevision(message.baseRevision())
                .build());
    }

    static ConversationEvent conversationUpserted(String userId, SyncRequest request, Instant acceptedAt) {
        return Envelopes.of(userId, request.conversationId(), acceptedAt, ConversationUpserted.newBuilder()
                .setPersonaId(request.personaId())
                .setTitle(request.title())
                .build());
    }

    static ConversationEvent conversationDeleted(String userId, String conversationId, Instant acceptedAt) {
        return Envelopes.of(userId, conversationId, acceptedAt, ConversationDeleted.newBuilder().build());
    }

    // One digest per thread (event loops, mostly): looking one up per message went through the
    // security providers every time.
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    /**
     * 64 bits of SHA-256 over everything a MessageUpserted carries besides its event id and time:
     * an equal fingerprint means publishing again would change nothing downstream. A cryptographic
     * hash because a collision would silently drop an edit.
     */
    static long fingerprint(SyncRequest request, SyncRequest.Message message) {
        MessageDigest sha256 = SHA_256.get();
        field(sha256, request.personaId());
        field(sha256, request.title());
        field(sha256, message.role().name());
        field(sha256, message.content());
        field(sha256, message.createdAt() == null ? null : Long.toString(message.createdAt().toEpochMilli()));
        // as text: the same JSON with its keys in another order is published again, and the
        // persister, comparing jsonb by value, stores nothing new
        field(sha256, message.parts());
        field(sha256, message.metadata());
        field(sha256, message.baseRevision() == null ? null : Integer.toString(message.baseRevision()));
        // digest() also resets it for the thread's next message
        return ByteBuffer.wrap(sha256.digest()).getLong();
    }

    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update((byte) 0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        // length-prefixed so that ("ab","c") and ("a","bc") differ
        digest.update((byte) 1);
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }
}
