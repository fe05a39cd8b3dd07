package dev.chatsync.ingest.synctoken;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.problem.ProblemException;

/**
 * Sync tokens: where a write's events landed (partition and offset of the last one), signed for the
 * user who wrote them. A read given one waits until the persister has committed past that offset.
 * The signature binds the token to its user and topic, so a token is only ever good for reading one's
 * own writes, and a forged or foreign one is refused without telling why.
 *
 * <p>Layout, base64url without padding: version (1 byte), partition (4), offset (8), the first 16
 * bytes of HMAC-SHA256 over (version, user id, topic, partition, offset).
 */
@Component
public final class SyncTokens {

    /** Where a token points: readable once the persister's next offset of the partition is past it. */
    public record Position(int partition, long offset) {
    }

    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 16;
    private static final int TOKEN_BYTES = 1 + 4 + 8 + MAC_BYTES;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int MIN_SECRET_BYTES = 32;

    private final byte[] topic;
    private final ThreadLocal<Mac> macs;

    public SyncTokens(SyncTokenProperties properties, EventsTopic topic) {
        this.topic = topic.topic().getBytes(StandardCharsets.UTF_8);
        SecretKeySpec key = new SecretKeySpec(secret(properties), ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every JVM has " + ALGORITHM, e);
            }
        });
    }

    public String issue(String userId, int partition, long offset) {
        ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES).put(VERSION).putInt(partition).putLong(offset);
        token.put(mac(userId, partition, offset));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /** The position of a token issued to {@code userId}; a 400 problem for anything else. */
    public Position verify(String userId, String token) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw refused();
        }
        if (bytes.length != TOKEN_BYTES || bytes[0] != VERSION) {
            throw refused();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, TOKEN_BYTES - 1);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        byte[] mac = Arrays.copyOfRange(bytes, TOKEN_BYTES - MAC_BYTES, TOKEN_BYTES);
        if (!MessageDigest.isEqual(mac, mac(userId, partition, offset)) || partition < 0 || offset < 0) {
            throw refused();
        }
        return new Position(partition, offset);
    }

    private byte[] mac(String userId, int partition, long offset) {
        Mac mac = macs.get();
        mac.update(VERSION);
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(user.length).array());
        mac.update(user);
        mac.update(topic);
        mac.update(ByteBuffer.allocate(12).putInt(partition).putLong(offset).array());
        // doFinal also resets the thread's Mac for its next token
        return Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    }

    private static ProblemException refused() {
        return ProblemException.invalid("syncToken", "sync_token", "not a sync token this service issued to you");
    }

    private static byte[] secret(SyncTokenProperties properties) {
        if (properties.secret() == null || properties.secret().isBlank()) {
            byte[] random = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(random);
            return random;
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(properties.secret().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("chatsync.ingest.sync-token.secret must be base64");
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("chatsync.ingest.sync-token.secret must decode to at least " + MIN_SECRET_BYTES + " bytes");
        }
        return secret;
    }
}
