package dev.chatsync.persister.write;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;

/**
 * The digest of a message version stored in {@code messages.version_hash}: SHA-256 over role, content,
 * parts and metadata as the event carries them, each length-prefixed (a null as length -1), so no two
 * different versions share an encoding. A cryptographic digest because equal digests skip the write:
 * no client can craft a different version that would be taken for the stored one.
 */
final class VersionDigest {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(VersionDigest::sha256);

    private VersionDigest() {
    }

    /** The digest of {@code message}, given its content already encoded as UTF-8 (the binary COPY needs those bytes too). */
    static byte[] of(MessageVersion message, byte[] contentUtf8) {
        MessageDigest digest = SHA_256.get();
        update(digest, message.role().getBytes(StandardCharsets.UTF_8));
        update(digest, contentUtf8);
        update(digest, message.parts() == null ? null : message.parts().getBytes(StandardCharsets.UTF_8));
        update(digest, message.metadata() == null ? null : message.metadata().getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    private static void update(MessageDigest digest, byte[] field) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(field == null ? -1 : field.length).array());
        if (field != null) {
            digest.update(field);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
