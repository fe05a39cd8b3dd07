package dev.chatsync.ingest.write;

import java.time.Instant;
import java.util.List;

import dev.chatsync.schemas.event.MessageRole;

/** A validated POST /api/messages body: a conversation and the messages the client holds of it. */
record SyncRequest(String conversationId, String personaId, String title, List<Message> messages) {

    /**
     * @param parts        the message's parts as compact JSON text, null when the client sent none
     * @param metadata     the message's metadata as compact JSON text, null when the client sent none
     * @param baseRevision the revision the client edited the message from (its {@code revision}, as
     *                     a read returned it), null when the client sent none
     */
    record Message(String id, MessageRole role, String content, Instant createdAt, String parts, String metadata,
            Integer baseRevision) {
    }
}
