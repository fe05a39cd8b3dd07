package dev.chatsync.persister.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.schemas.ConversationKey;

class VersionDigestTest {

    private static final ConversationKey CONVERSATION = new ConversationKey("u1", "c1");
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theSameVersionDigestsAlikeWhateverItsIdentityAndTimes() {
        MessageVersion one = version("m1", "user", "hello", "[{\"type\":\"text\",\"text\":\"hello\"}]", null, null);
        MessageVersion other = new MessageVersion(new ConversationKey("u2", "c9"), "m7", "user", "hello",
                "[{\"type\":\"text\",\"text\":\"hello\"}]", null, 3, AT.plusSeconds(60), AT.plusSeconds(120));

        assertThat(digest(one)).isEqualTo(digest(other));
    }

    @Test
    void everyFieldOfTheVersionCounts() {
        byte[] base = digest(version("m1", "user", "hello", "[]", "{}", null));

        assertThat(digest(version("m1", "assistant", "hello", "[]", "{}", null))).isNotEqualTo(base);
        assertThat(digest(version("m1", "user", "hello!", "[]", "{}", null))).isNotEqualTo(base);
        assertThat(digest(version("m1", "user", "hello", "[ ]", "{}", null))).isNotEqualTo(base);
        assertThat(digest(version("m1", "user", "hello", "[]", "{\"a\":1}", null))).isNotEqualTo(base);
    }

    @Test
    void fieldBoundariesAndNullsCannotBeConfused() {
        assertThat(digest(version("m1", "user", "ab", "c", null, null)))
                .isNotEqualTo(digest(version("m1", "user", "a", "bc", null, null)));
        assertThat(digest(version("m1", "user", "hello", null, null, null)))
                .isNotEqualTo(digest(version("m1", "user", "hello", "", null, null)));
        assertThat(digest(version("m1", "user", "hello", "{}", null, null)))
                .isNotEqualTo(digest(version("m1", "user", "hello", null, "{}", null)));
    }

    @Test
    void isAFullSha256() {
        assertThat(digest(version("m1", "user", "hello", null, null, null))).hasSize(32);
    }

    private static MessageVersion version(String messageId, String role, String content, String parts, String metadata, Integer base) {
        return new MessageVersion(CONVERSATION, messageId, role, content, parts, metadata, base, AT, AT);
    }

    private static byte[] digest(MessageVersion version) {
        return VersionDigest.of(version, version.content().getBytes(StandardCharsets.UTF_8));
    }
}
