package dev.chatsync.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;

import dev.chatsync.schemas.event.AccountEvent;

/**
 * Avro single-object encoding of {@link AccountEvent}, as {@link ConversationEventCodec} does it for
 * conversation events: marker, the writer schema's fingerprint, binary body; every version in
 * {@link SchemaHistory} decodes. Thread-safe.
 */
public final class AccountEventCodec {

    private static final BinaryMessageEncoder<AccountEvent> ENCODER =
            new BinaryMessageEncoder<>(SpecificData.getForClass(AccountEvent.class), AccountEvent.getClassSchema(), false);
    private static final BinaryMessageDecoder<AccountEvent> DECODER = createDecoder();

    private AccountEventCodec() {
    }

    public static byte[] encode(AccountEvent event) {
        try {
            ByteBuffer buffer = ENCODER.encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode account event " + event.getEventId(), e);
        }
    }

    /**
     * @throws IOException when the bytes are not a single-object encoded AccountEvent of a known
     *         version (bad marker, unknown fingerprint, truncated or corrupt body)
     */
    public static AccountEvent decode(byte[] bytes) throws IOException {
        return DECODER.decode(bytes);
    }

    private static BinaryMessageDecoder<AccountEvent> createDecoder() {
        SchemaStore.Cache history = new SchemaStore.Cache();
        SchemaHistory.accountEventVersions().forEach(history::addSchema);
        return AccountEvent.createDecoder(history);
    }
}
