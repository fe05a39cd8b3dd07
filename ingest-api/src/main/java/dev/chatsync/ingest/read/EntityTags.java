package dev.chatsync.ingest.read;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;

import org.springframework.http.ETag;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Weak ETags of reads: {@code W/"<version>-<hash of the request>"}. The version says what the data
 * was (a {@link ChangeStamp}, or a value read as cheaply); the hash covers who asked and everything
 * else that shapes the response (form, ids, cursor, limit), so one user's tag never validates another
 * user's or another page's cached copy.
 */
final class EntityTags {

    private static final int HASH_BYTES = 9;
    private static final byte SEPARATOR = 0; // no id, cursor or limit contains NUL

    private EntityTags() {
    }

    static String of(ChangeStamp stamp, Object... request) {
        return of(stamp.version(), request);
    }

    static String of(String version, Object... request) {
        return "W/\"" + version + "-" + hash(request) + "\"";
    }

    /** 304 when If-None-Match names {@code tag}; else 200 with the body, which is only then built (and read). */
    static ResponseEntity<Object> respond(String ifNoneMatch, String tag, Supplier<?> body) {
        if (matches(ifNoneMatch, tag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(tag).build();
        }
        return ResponseEntity.ok().eTag(tag).body(body.get());
    }

    /** Whether an If-None-Match header (null when absent) names {@code tag}, by weak comparison (RFC 9110 §13.1.2). */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        ETag ours = ETag.create(tag);
        for (ETag theirs : ETag.parse(ifNoneMatch)) {
            if (theirs.isWildcard() || theirs.compare(ours, false)) {
                return true;
            }
        }
        return false;
    }

    private static String hash(Object... request) {
        MessageDigest digest = sha256();
        for (Object part : request) {
            digest.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
            digest.update(SEPARATOR);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), HASH_BYTES));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
