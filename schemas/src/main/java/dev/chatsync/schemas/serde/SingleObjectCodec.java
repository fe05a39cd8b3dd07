package dev.chatsync.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one record type: a 2-byte marker, the writer schema's 64-bit
 * fingerprint, then the binary body. The decoder knows every version the type's history holds, so a
 * record written by any released version resolves to the current classes without a registry.
 * Thread-safe: Avro's message encoder and decoder keep per-thread buffers.
 */
final class SingleObjectCodec<T extends SpecificRecord> {

    private final String kind;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** @param kind what the type is called in an error message, e.g. "event" */
    SingleObjectCodec(Class<T> type, Schema current, List<Schema> history, String kind) {
        this.kind = kind;
        SpecificData model = SpecificData.getForClass(type);
        // Encodes into the thread's own buffer without a copy: encode() copies it once, into the bytes
        // it returns (the generated class's encoder would copy it twice).
        this.encoder = new BinaryMessageEncoder<>(model, current, false);
        SchemaStore.Cache store = new SchemaStore.Cache();
        history.forEach(store::addSchema);
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
    }

    byte[] encode(T record, Object id) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + kind + " " + id, e);
        }
    }

    T decode(byte[] bytes) throws IOException {
        return decoder.decode(bytes);
    }
}
