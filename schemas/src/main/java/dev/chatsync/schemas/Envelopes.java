package dev.chatsync.schemas;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.schemas.event.UserProfileChanged;

/**
 * Every {@link ConversationEvent} and {@link AccountEvent} is built here: one payload in the envelope
 * every event carries (an event id, the conversation's or the account's identity, when it was
 * accepted). One method per payload type, so only the union's members compile.
 */
public final class Envelopes {

    private Envelopes() {
    }

    public static ConversationEvent of(String userId, String conversationId, Instant acceptedAt, MessageUpserted payload) {
        return envelope(userId, conversationId, acceptedAt, payload);
    }

    public static ConversationEvent of(String userId, String conversationId, Instant acceptedAt, ConversationUpserted payload) {
        return envelope(userId, conversationId, acceptedAt, payload);
    }

    public static ConversationEvent of(String userId, String conversationId, Instant acceptedAt, ConversationDeleted payload) {
        return envelope(userId, conversationId, acceptedAt, payload);
    }

    /** @param eventId the webhook's svix-id, or {@link #newEventId()} for the user's own requests */
    public static AccountEvent of(String eventId, String userId, Instant acceptedAt, UserProfileChanged payload) {
        return accountEnvelope(eventId, userId, acceptedAt, payload);
    }

    /** @param eventId the webhook's svix-id, or {@link #newEventId()} for the user's own requests */
    public static AccountEvent of(String eventId, String userId, Instant acceptedAt, AccountDeleted payload) {
        return accountEnvelope(eventId, userId, acceptedAt, payload);
    }

    public static String newEventId() {
        return randomId().toString();
    }

    private static AccountEvent accountEnvelope(String eventId, String userId, Instant acceptedAt, Object payload) {
        return AccountEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(userId)
                .setAcceptedAt(acceptedAt)
                .setPayload(payload)
                .build();
    }

    private static ConversationEvent envelope(String userId, String conversationId, Instant acceptedAt, Object payload) {
        return ConversationEvent.newBuilder()
                .setEventId(randomId().toString())
                .setUserId(userId)
                .setConversationId(conversationId)
                .setAcceptedAt(acceptedAt)
                .setPayload(payload)
                .build();
    }

    // A version-4 UUID from ThreadLocalRandom: event ids are for tracing, not secrets, and
    // SecureRandom would serialise every request on one lock.
    private static UUID randomId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
