package dev.chatsync.testsupport.clerk;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook deliveries the way Svix signs Clerk's: {@code v1,} and the base64 HMAC-SHA256, keyed
 * with the base64 part of the {@code whsec_} secret, over {@code <svix-id>.<svix-timestamp>.<body>}.
 * Written from Svix's description, apart from the API's own SvixSignature, so that a test signing with
 * it checks that class rather than repeating it.
 */
public final class SvixSigner {

    private static final String SECRET_PREFIX = "whsec_";

    private final String secret;
    private final byte[] key;

    /** @param secret an endpoint's signing secret as Clerk shows it, {@code whsec_<base64>} */
    public SvixSigner(String secret) {
        this.secret = secret;
        this.key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }

    /** A signer with a fresh random secret, as Clerk creates one per endpoint. */
    public static SvixSigner withRandomSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return new SvixSigner(SECRET_PREFIX + Base64.getEncoder().encodeToString(key));
    }

    /** The secret to configure the endpoint with ({@code CLERK_WEBHOOK_SECRET}). */
    public String secret() {
        return secret;
    }

    /** The {@code svix-signature} header of a delivery: one {@code v1} signature. */
    public String signature(String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
