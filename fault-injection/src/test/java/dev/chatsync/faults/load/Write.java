package dev.chatsync.faults.load;

import java.util.List;

/** A request the load sends until the API acknowledges it, unchanged between retries. */
sealed interface Write {

    String userId();

    String conversationId();

    /** POST /api/messages: the conversation's metadata and some of its messages (new, edited or re-sent). */
    record Save(String userId, String conversationId, String personaId, String title, List<MessageCopy> messages) implements Write {
    }

    /** DELETE /api/messages?conversationId= */
    record Delete(String userId, String conversationId) implements Write {
    }

    /**
     * A message as sent: plain {@code content}, or AI SDK {@code parts} (JSON) without content, whose
     * stored content is then the text of its text parts.
     */
    record MessageCopy(String id, String role, String content, String partsJson, String storedContent) {
    }
}
