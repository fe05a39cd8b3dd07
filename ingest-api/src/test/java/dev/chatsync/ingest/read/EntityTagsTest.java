package dev.chatsync.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

class EntityTagsTest {

    @Test
    void aStampBelowTheHorizonIsTheVersionAlone() {
        assertThat(new ChangeStamp(41, 42).version()).isEqualTo("41");
        assertThat(EntityTags.of(new ChangeStamp(41, 42), "list", "user_a", 500)).matches("W/\"41-[A-Za-z0-9_-]{12}\"");
    }

    @Test
    void aStampAtOrAboveTheHorizonCarriesTheHorizonSoTheTagChangesWhenTheLowerTransactionEnds() {
        assertThat(new ChangeStamp(42, 42).version()).isEqualTo("42.42");
        assertThat(new ChangeStamp(50, 42).version()).isEqualTo("50.42");
        // the same newest stamp, read before and after the transaction below it ended
        assertThat(EntityTags.of(new ChangeStamp(50, 42), "list", "user_a", 500))
                .isNotEqualTo(EntityTags.of(new ChangeStamp(50, 51), "list", "user_a", 500));
    }

    @Test
    void theRequestIsHashedInSoTagsOfOtherUsersAndOtherPagesDiffer() {
        ChangeStamp stamp = new ChangeStamp(7, 9);
        String tag = EntityTags.of(stamp, "conversation", "user_a", "c1", 0L, 500);
        assertThat(EntityTags.of(stamp, "conversation", "user_a", "c1", 0L, 500)).isEqualTo(tag);
        assertThat(EntityTags.of(stamp, "conversation", "user_b", "c1", 0L, 500)).isNotEqualTo(tag);
        assertThat(EntityTags.of(stamp, "conversation", "user_a", "c2", 0L, 500)).isNotEqualTo(tag);
        assertThat(EntityTags.of(stamp, "conversation", "user_a", "c1", 10L, 500)).isNotEqualTo(tag);
        assertThat(EntityTags.of(stamp, "conversation", "user_a", "c1", 0L, 50)).isNotEqualTo(tag);
        assertThat(EntityTags.of(stamp, "persona", "user_a", "c1", 0L, 500)).isNotEqualTo(tag);
        // parts are separated: moving characters from one part to the next changes the hash
        assertThat(EntityTags.of(stamp, "ab", "c")).isNotEqualTo(EntityTags.of(stamp, "a", "bc"));
    }

    @Test
    void ifNoneMatchComparesWeaklyAndAcceptsListsAndTheWildcard() {
        String tag = EntityTags.of(new ChangeStamp(3, 4), "list", "u", 1);
        String opaque = tag.substring(2);
        assertThat(EntityTags.matches(null, tag)).isFalse();
        assertThat(EntityTags.matches(tag, tag)).isTrue();
        assertThat(EntityTags.matches(opaque, tag)).as("a strong tag of the same value").isTrue();
        assertThat(EntityTags.matches("W/\"other\", " + tag, tag)).isTrue();
        assertThat(EntityTags.matches("*", tag)).isTrue();
        assertThat(EntityTags.matches("W/\"other\"", tag)).isFalse();
        assertThat(EntityTags.matches("garbage", tag)).isFalse();
    }

    @Test
    void aMatchIsA304WithTheTagAndTheBodyIsNeverBuilt() {
        String tag = EntityTags.of("1", "x");
        AtomicInteger built = new AtomicInteger();

        ResponseEntity<Object> notModified = EntityTags.respond(tag, tag, built::incrementAndGet);
        assertThat(notModified.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(notModified.getHeaders().getETag()).isEqualTo(tag);
        assertThat(notModified.getBody()).isNull();
        assertThat(built).hasValue(0);

        ResponseEntity<Object> ok = EntityTags.respond("W/\"stale\"", tag, built::incrementAndGet);
        assertThat(ok.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ok.getHeaders().getETag()).isEqualTo(tag);
        assertThat(ok.getBody()).isEqualTo(1);
    }
}
