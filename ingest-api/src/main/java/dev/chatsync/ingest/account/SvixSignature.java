package dev.chatsync.ingest.account;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.chatsync.ingest.problem.FieldViolation;

/**
 * Svix's webhook signature, as Clerk's deliveries carry it: {@code svix-signature} holds one or more
 * space-separated {@code v1,<base64>} entries, each an HMAC-SHA256, keyed with the base64 part of the
 * {@code whsec_} secret, over {@code <svix-id>.<svix-timestamp>.<raw body>}; one matching entry is
 * enough (Svix sends several while a secret is being rotated). The timestamp must lie within the
 * tolerance of now, either way, so a captured delivery cannot be replayed later. Written here rather
 * than taken from Svix's Java library (com.svix:svix), which is an API client that brings an HTTP
 * client and a JSON stack along; the scheme is these few lines, checked against Svix's published example.
 */
final class SvixSignature {

    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1,";
    private static final int MAX_ID_LENGTH = 256;

    private final SecretKeySpec key;
    private final Duration tolerance;

    /** @throws IllegalArgumentException when the secret is not {@code whsec_} (optional) followed by base64 */
    SvixSignature(String secret, Duration tolerance) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] bytes = Base64.getDecoder().decode(encoded.strip());
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
        this.tolerance = tolerance;
    }

    /** The first broken rule of a delivery, naming its header, or null when it is Svix's and recent. */
    FieldViolation check(String id, String timestamp, String signatures, byte[] body, Instant now) {
        if (id == null || id.isBlank()) {
            return new FieldViolation("svix-id", "required", "the svix-id header is required");
        }
        if (id.length() > MAX_ID_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '.')) {
            return new FieldViolation("svix-id", "format", "at most " + MAX_ID_LENGTH + " visible ASCII characters, no '.'");
        }
        if (timestamp == null || timestamp.isBlank()) {
            return new FieldViolation("svix-timestamp", "required", "the svix-timestamp header is required");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return new FieldViolation("svix-timestamp", "epoch_seconds", "must be whole seconds since the epoch");
        }
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (seconds < 0 || skew > tolerance.toSeconds()) {
            return new FieldViolation("svix-timestamp", "tolerance",
                    "must be within " + tolerance.toSeconds() + " s of the server's time; a delivery this old is refused as a replay");
        }
        if (signatures == null || signatures.isBlank()) {
            return new FieldViolation("svix-signature", "required", "the svix-signature header is required");
        }
        byte[] expected = sign(id, timestamp.strip(), body);
        for (String entry : signatures.strip().split(" +")) {
            if (entry.startsWith(VERSION) && matches(entry.substring(VERSION.length()), expected)) {
                return null;
            }
        }
        return new FieldViolation("svix-signature", "signature_mismatch", "no v1 signature matches the body with this endpoint's secret");
    }

    private static boolean matches(String encoded, byte[] expected) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, expected);
    }

    private byte[] sign(String id, String timestamp, byte[] body) {
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return mac.doFinal(body);
    }
}
