package dev.chatsync.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FeedCursorTest {

    @Test
    void roundTripsAsOpaqueBase64Url() {
        FeedCursor cursor = new FeedCursor(new FeedKey(9_000_000_123L, 42, Long.MAX_VALUE), Instant.ofEpochSecond(1_767_225_600L));
        String encoded = cursor.encode();
        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(decoded(encoded)).isEqualTo("v1.9000000123.42." + Long.MAX_VALUE + ".1767225600");
        assertThat(FeedCursor.parse(encoded)).contains(cursor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.1.2.3", "v1.1.2.3.4.5", "v2.1.2.3.4", "v1.-1.2.3.4", "v1.1.+2.3.4", "v1.1.2.3.x",
            "v1.99999999999999999999.2.3.4", "v1.1.2.3.9999999999999999999", " v1.1.2.3.4", "v1..2.3.4"})
    void refusesWhatThisApiNeverIssues(String text) {
        assertThat(FeedCursor.parse(encoded(text))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc$", "not base64!", "AAAA===="})
    void refusesWhatIsNotBase64UrlOfACursor(String encoded) {
        assertThat(FeedCursor.parse(encoded)).isEmpty();
    }

    @Test
    void refusesOverlongInput() {
        assertThat(FeedCursor.parse(encoded("v1.1.2.3.4" + "0".repeat(200)))).isEmpty();
    }

    private static String encoded(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decoded(String encoded) {
        return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.US_ASCII);
    }
}
