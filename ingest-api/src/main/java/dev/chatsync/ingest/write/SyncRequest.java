package dev.chatsync.ingest.write;

import java.time.Instant;
import java.util.List;

import dev.chatsync.schemas.event.MessageRole;

/** A validated POST /api/messages body: a conversation and the messages the client holds of it. */
record SyncRequest(String conversationId, String personaId, String title, List<Message> messages) {

    record Message(String id, MessageRole role, String content, Instant createdAt) {
    }
}
