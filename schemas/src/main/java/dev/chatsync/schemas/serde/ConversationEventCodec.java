package dev.chatsync.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;

import dev.chatsync.schemas.event.ConversationEvent;

/**
 * Avro single-object encoding of {@link ConversationEvent}: a 2-byte marker, the writer schema's
 * 64-bit fingerprint, then the binary body. The decoder knows every version in {@link SchemaHistory},
 * so a record written by any released version resolves to the current classes without a registry.
 * Thread-safe: Avro's message encoder and decoder keep per-thread buffers.
 */
public final class ConversationEventCodec {

    // Encodes into the thread's own buffer without a copy: encode() copies it once, into the bytes it
    // returns (the generated class's encoder would copy it twice).
    private static final BinaryMessageEncoder<ConversationEvent> ENCODER =
            new BinaryMessageEncoder<>(SpecificData.getForClass(ConversationEvent.class), ConversationEvent.getClassSchema(), false);
    private static final BinaryMessageDecoder<ConversationEvent> DECODER = createDecoder();

    private ConversationEventCodec() {
    }

    public static byte[] encode(ConversationEvent event) {
        try {
            ByteBuffer buffer = ENCODER.encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode event " + event.getEventId(), e);
        }
    }

    /**
     * @throws IOException when the bytes are not a single-object encoded ConversationEvent of a known
     *         version (bad marker, unknown fingerprint, truncated or corrupt body)
     */
    public static ConversationEvent decode(byte[] bytes) throws IOException {
        return DECODER.decode(bytes);
    }

    private static BinaryMessageDecoder<ConversationEvent> createDecoder() {
        SchemaStore.Cache history = new SchemaStore.Cache();
        SchemaHistory.conversationEventVersions().forEach(history::addSchema);
        return ConversationEvent.createDecoder(history);
    }
}
