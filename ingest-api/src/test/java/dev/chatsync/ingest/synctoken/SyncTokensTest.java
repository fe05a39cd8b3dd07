package dev.chatsync.ingest.synctoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.problem.ProblemException;

class SyncTokensTest {

    private static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    private final SyncTokens tokens = new SyncTokens(properties(SECRET), new EventsTopic("chat-sync.events"));

    @Test
    void aTokenNamesThePositionItWasIssuedFor() {
        String token = tokens.issue("user_a", 7, 123_456_789_012L);

        assertThat(tokens.verify("user_a", token)).isEqualTo(new SyncTokens.Position(7, 123_456_789_012L));
    }

    @Test
    void anotherUsersTokenIsRefused() {
        String token = tokens.issue("user_a", 7, 42);

        assertRefused("user_b", token);
    }

    @Test
    void aTokenOfAnotherTopicOrKeyIsRefused() {
        String token = tokens.issue("user_a", 7, 42);

        assertThatThrownBy(() -> new SyncTokens(properties(SECRET), new EventsTopic("other")).verify("user_a", token))
                .isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> new SyncTokens(properties(null), new EventsTopic("chat-sync.events")).verify("user_a", token))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void anAlteredOrMalformedTokenIsRefused() {
        byte[] bytes = Base64.getUrlDecoder().decode(tokens.issue("user_a", 7, 42));
        bytes[12] ^= 1; // the offset's last byte
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertRefused("user_a", altered);
        assertRefused("user_a", "not base64 !");
        assertRefused("user_a", "");
        assertRefused("user_a", tokens.issue("user_a", 7, 42) + "AA");
    }

    @Test
    void aShortSecretIsAConfigurationError() {
        String shortSecret = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> new SyncTokens(properties(shortSecret), new EventsTopic("t")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 bytes");
    }

    private static SyncTokenProperties properties(String secret) {
        return new SyncTokenProperties(secret, Duration.ofSeconds(2), 10_000);
    }

    private void assertRefused(String userId, String token) {
        assertThatThrownBy(() -> tokens.verify(userId, token))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.violations())
                        .singleElement().satisfies(violation -> {
                            assertThat(violation.field()).isEqualTo("syncToken");
                            assertThat(violation.rule()).isEqualTo("sync_token");
                        }));
    }
}
