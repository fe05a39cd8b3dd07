package dev.chatsync.ingest.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SearchCursorTest {

    @Test
    void roundTripsTheRankToTheBitAsOpaqueBase64Url() {
        // a real whose shortest decimal form and neighbours differ in the last bit
        float rank = Math.nextUp(0.1f);
        SearchCursor cursor = new SearchCursor(rank, Long.MAX_VALUE);
        String encoded = cursor.encode();
        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(decoded(encoded)).isEqualTo("s1." + Integer.toHexString(Float.floatToIntBits(rank)) + "." + Long.MAX_VALUE);
        SearchCursor parsed = SearchCursor.parse(encoded).orElseThrow();
        assertThat(Float.floatToIntBits(parsed.rank())).isEqualTo(Float.floatToIntBits(rank));
        assertThat(parsed.seq()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRankOfZeroRoundTrips() {
        assertThat(SearchCursor.parse(new SearchCursor(0f, 7).encode())).contains(new SearchCursor(0f, 7));
    }

    @Test
    void theStartIsAboveEveryRankAndIsNeverIssued() {
        assertThat(SearchCursor.START.rank()).isGreaterThan(Float.MAX_VALUE);
        assertThat(SearchCursor.parse(SearchCursor.START.encode())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s1.3dcccccd", "s1.3dcccccd.1.2", "s2.3dcccccd.1", "s1.3DCCCCCD.1", "s1.123456789.1", "s1.3dcccccd.-1",
            "s1.3dcccccd.99999999999999999999", "s1..1", "s1.3dcccccd.", " s1.3dcccccd.1",
            // NaN, negative and infinite ranks are never computed
            "s1.7fc00000.1", "s1.bf800000.1", "s1.7f800000.1"})
    void refusesWhatThisApiNeverIssues(String text) {
        assertThat(SearchCursor.parse(encoded(text))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc$", "not base64!", "AAAA===="})
    void refusesWhatIsNotBase64UrlOfACursor(String encoded) {
        assertThat(SearchCursor.parse(encoded)).isEmpty();
    }

    @Test
    void refusesOverlongInput() {
        assertThat(SearchCursor.parse(encoded("s1.3dcccccd.1" + "0".repeat(100)))).isEmpty();
    }

    private static String encoded(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String decoded(String encoded) {
        return new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.US_ASCII);
    }
}
