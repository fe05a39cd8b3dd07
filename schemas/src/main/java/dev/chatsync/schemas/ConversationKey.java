package dev.chatsync.schemas;

import java.util.Objects;

/**
 * The Kafka record key of every event: the conversation identity {@code <userId>/<conversationId>}.
 * Keying by conversation puts all of its events, in order, on one partition. User ids (Clerk's
 * {@code user_...}) never contain '/', so the key splits unambiguously at its first '/'.
 */
public record ConversationKey(String userId, String conversationId) {

    private static final char SEPARATOR = '/';

    public ConversationKey {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(conversationId, "conversationId");
        if (userId.isEmpty() || userId.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException("userId must be non-empty and free of '" + SEPARATOR + "': " + userId);
        }
    }

    public static ConversationKey parse(String key) {
        int at = key.indexOf(SEPARATOR);
        if (at <= 0) {
            throw new IllegalArgumentException("not a conversation key: " + key);
        }
        return new ConversationKey(key.substring(0, at), key.substring(at + 1));
    }

    /** The string form used as the Kafka record key. */
    @Override
    public String toString() {
        return userId + SEPARATOR + conversationId;
    }
}
