package dev.chatsync.ingest.write;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

import dev.chatsync.ingest.limits.IngestLimits;

/**
 * The API's own parsing and validation of a {@code POST /api/messages} body, for the storm benchmark's
 * direct-write baseline, which must apply the same rules. It sits in the API's package, but in the
 * benchmarks module, because the parser is package-private there and nothing in the API needs it public.
 * Not a component: the API's component scanning never picks it up.
 */
public final class SyncBodies {

    private final SyncRequestParser parser;

    public SyncBodies(IngestLimits limits) {
        this.parser = new SyncRequestParser(limits);
    }

    /** The body's conversation, its messages as columns in the order sent; a 400 problem naming every broken rule. */
    public Conversation parse(InputStream body) {
        SyncRequest sync = parser.parse(body);
        List<SyncRequest.Message> messages = sync.messages();
        int n = messages.size();
        Conversation conversation = new Conversation(sync.conversationId(), sync.personaId(), sync.title(),
                new String[n], new String[n], new String[n], new String[n], new String[n], new Long[n]);
        for (int i = 0; i < n; i++) {
            SyncRequest.Message message = messages.get(i);
            conversation.messageIds[i] = message.id();
            conversation.roles[i] = message.role().name();
            conversation.contents[i] = message.content();
            conversation.parts[i] = message.parts();
            conversation.metadata[i] = message.metadata();
            Instant createdAt = message.createdAt();
            conversation.createdMillis[i] = createdAt == null ? null : createdAt.toEpochMilli();
        }
        return conversation;
    }

    /**
     * A validated conversation with its messages as column arrays, as an {@code unnest} statement binds
     * them; parts and metadata as compact JSON text, and each null where the client sent none.
     */
    public record Conversation(String conversationId, String personaId, String title, String[] messageIds, String[] roles,
            String[] contents, String[] parts, String[] metadata, Long[] createdMillis) {
    }
}
