package dev.chatsync.schemas.serde;

import java.io.IOException;

import dev.chatsync.schemas.event.ConversationEvent;

/**
 * Avro single-object encoding of {@link ConversationEvent} ({@link SingleObjectCodec}): every version
 * in {@link SchemaHistory} decodes. Thread-safe.
 */
public final class ConversationEventCodec {

    private static final SingleObjectCodec<ConversationEvent> CODEC = new SingleObjectCodec<>(ConversationEvent.class,
            ConversationEvent.getClassSchema(), SchemaHistory.conversationEventVersions(), "event");

    private ConversationEventCodec() {
    }

    public static byte[] encode(ConversationEvent event) {
        return CODEC.encode(event, event.getEventId());
    }

    /**
     * @throws IOException when the bytes are not a single-object encoded ConversationEvent of a known
     *         version (bad marker, unknown fingerprint, truncated or corrupt body)
     */
    public static ConversationEvent decode(byte[] bytes) throws IOException {
        return CODEC.decode(bytes);
    }
}
