package dev.chatsync.persister.fold;

import java.time.Instant;
import java.util.List;
import java.util.SortedSet;

import dev.chatsync.schemas.ConversationKey;

/**
 * A batch of events reduced to what must be written, in an order that touches every row at most once
 * per statement: generations apply one after another, and within a generation the deletes run first,
 * then the conversation upserts, then one message round after another.
 *
 * @param userIds     every user the batch names, sorted (concurrent instances then lock them in one order)
 * @param generations a conversation is in generation {@code g} with what came after its {@code g}-th delete
 *                    (generation 0 needs no delete); almost every batch has exactly one generation
 */
public record FoldedBatch(SortedSet<String> userIds, List<Generation> generations) {

    /**
     * @param deletes       conversations to delete before this generation's upserts, at most once each
     * @param conversations metadata per conversation, at most once each
     * @param messageRounds round {@code r} holds the {@code r}-th distinct version of each message, so a
     *                      message changed twice in one batch stores its last content and keeps the
     *                      earlier one as a revision; almost always a single round
     */
    public record Generation(List<ConversationDelete> deletes, List<ConversationChange> conversations,
                             List<List<MessageVersion>> messageRounds) {

        /** Every message of this generation once, in its first version here: round 0. */
        public List<MessageVersion> arrivals() {
            return messageRounds.isEmpty() ? List.of() : messageRounds.get(0);
        }
    }

    /** @param deletedAt acceptedAt of the delete: its tombstone's time */
    public record ConversationDelete(ConversationKey key, Instant deletedAt) {
    }

    /**
     * @param title     null keeps the stored title
     * @param createdAt used only when the conversation is new: acceptedAt of its first event here
     * @param updatedAt the latest acceptedAt of its events here
     */
    public record ConversationChange(ConversationKey key, String personaId, String title, Instant createdAt, Instant updatedAt) {
    }

    /**
     * @param parts      JSON text of the message's parts, null when the client sent none
     * @param metadata   JSON text of the message's metadata, null when the client sent none
     * @param baseRevision the revision the client edited this version from, null when it sent none
     * @param createdAt  the client's createdAt, else acceptedAt; used only when the message is new
     * @param acceptedAt when this version was accepted: its updated_at, and the day it counts against
     */
    public record MessageVersion(ConversationKey conversation, String messageId, String role, String content,
                                 String parts, String metadata, Integer baseRevision, Instant createdAt, Instant acceptedAt) {
    }
}
