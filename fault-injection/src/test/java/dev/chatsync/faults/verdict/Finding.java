package dev.chatsync.faults.verdict;

import java.time.Instant;

/**
 * One difference between the database and the model: a message (or a conversation, with a null
 * {@code messageId}; or a user's rate_limits, with both null), what is wrong with it, and when the API
 * acknowledged the write it concerns (null when it acknowledged none).
 */
public record Finding(String userId, String conversationId, String messageId, String what, Instant acknowledgedAt) {

    @Override
    public String toString() {
        return userId + "/" + conversationId + (messageId != null ? "/" + messageId : "") + ": " + what;
    }
}
