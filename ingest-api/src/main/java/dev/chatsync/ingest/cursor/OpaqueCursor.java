package dev.chatsync.ingest.cursor;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wrapping every paging cursor of the API shares: its fields as a versioned ASCII text, handed to
 * the client as base64url so that it reads as opaque and travels in a query string as it is. Each
 * cursor owns its text's grammar; this only encodes it and, on the way back, refuses what is too long,
 * not base64url, or not of that grammar.
 */
public final class OpaqueCursor {

    private OpaqueCursor() {
    }

    public static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The text {@code encoded} wraps, matched against {@code grammar}, if it could have been issued with it. */
    public static Optional<Matcher> decode(String encoded, int maxLength, Pattern grammar) {
        if (encoded.isEmpty() || encoded.length() > maxLength) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Matcher matcher = grammar.matcher(text);
        return matcher.matches() ? Optional.of(matcher) : Optional.empty();
    }
}
