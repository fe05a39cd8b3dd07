package dev.chatsync.schemas.serde;

import java.io.IOException;

import dev.chatsync.schemas.event.AccountEvent;

/**
 * Avro single-object encoding of {@link AccountEvent} ({@link SingleObjectCodec}): every version in
 * {@link SchemaHistory} decodes. Thread-safe.
 */
public final class AccountEventCodec {

    private static final SingleObjectCodec<AccountEvent> CODEC = new SingleObjectCodec<>(AccountEvent.class,
            AccountEvent.getClassSchema(), SchemaHistory.accountEventVersions(), "account event");

    private AccountEventCodec() {
    }

    public static byte[] encode(AccountEvent event) {
        return CODEC.encode(event, event.getEventId());
    }

    /**
     * @throws IOException when the bytes are not a single-object encoded AccountEvent of a known
     *         version (bad marker, unknown fingerprint, truncated or corrupt body)
     */
    public static AccountEvent decode(byte[] bytes) throws IOException {
        return CODEC.decode(bytes);
    }
}
