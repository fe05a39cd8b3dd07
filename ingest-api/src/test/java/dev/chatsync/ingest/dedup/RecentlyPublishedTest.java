package dev.chatsync.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.ConversationKey;

class RecentlyPublishedTest {

    private static final ConversationKey ALICE = new ConversationKey("user_alice", "c1");
    private static final ConversationKey BOB = new ConversationKey("user_bob", "c1");

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final RecentlyPublished cache = new RecentlyPublished(new DedupProperties(100, Duration.ofMinutes(10)), clock::get);

    @Test
    void knowsWhatWasPublishedWithTheSameFingerprintOnly() {
        cache.remember(ALICE, "m1", 11, 5);
        assertThat(cache.published(ALICE, ids("m1", "m2"), fps(11, 22))).containsExactly(true, false);
        assertThat(cache.published(ALICE, ids("m1"), fps(12))).containsExactly(false);
        // identity includes the user: bob's c1/m1 is another message
        assertThat(cache.published(BOB, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void anOlderAcknowledgementNeverOverwritesANewerOne() {
        cache.remember(ALICE, "m1", 22, 9);
        cache.remember(ALICE, "m1", 11, 7);
        assertThat(cache.published(ALICE, ids("m1"), fps(22))).containsExactly(true);
        assertThat(cache.published(ALICE, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void forgettingAConversationFencesOffLateAcknowledgementsOfEarlierPublishes() {
        cache.remember(ALICE, "m1", 11, 5);
        cache.forget(ALICE, -1);
        assertThat(cache.published(ALICE, ids("m1"), fps(11))).containsExactly(false);
        cache.forget(ALICE, 10);
        cache.remember(ALICE, "m2", 22, 8);
        assertThat(cache.published(ALICE, ids("m2"), fps(22))).containsExactly(false);
        cache.remember(ALICE, "m2", 22, 12);
        assertThat(cache.published(ALICE, ids("m2"), fps(22))).containsExactly(true);
    }

    @Test
    void entriesExpire() {
        cache.remember(ALICE, "m1", 11, 5);
        clock.addAndGet(Duration.ofMinutes(11).toMillis());
        assertThat(cache.published(ALICE, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void staysWithinItsSizeDroppingLeastRecentlyUsedConversations() {
        for (int c = 0; c < 50; c++) {
            ConversationKey key = new ConversationKey("user_" + c, "c");
            for (int m = 0; m < 10; m++) {
                cache.remember(key, "m" + m, m, m);
            }
        }
        assertThat(cache.size()).isLessThanOrEqualTo(100);
        assertThat(cache.published(new ConversationKey("user_49", "c"), ids("m9"), fps(9))).containsExactly(true);
        assertThat(cache.published(new ConversationKey("user_0", "c"), ids("m0"), fps(0))).containsExactly(false);
    }

    @Test
    void aLongConversationKeepsEveryMessageApart() {
        RecentlyPublished roomy = new RecentlyPublished(new DedupProperties(10_000, Duration.ofMinutes(10)), clock::get);
        for (int m = 0; m < 500; m++) {
            roomy.remember(ALICE, "msg-" + m, 1_000 + m, m);
        }
        assertThat(roomy.size()).isEqualTo(501);
        for (int m = 0; m < 500; m++) {
            assertThat(roomy.published(ALICE, ids("msg-" + m), fps(1_000 + m))).containsExactly(true);
            assertThat(roomy.published(ALICE, ids("msg-" + m), fps(m))).containsExactly(false);
        }
        assertThat(roomy.published(ALICE, ids("msg-500"), fps(1_500))).containsExactly(false);
        // remembered again at a later offset: replaced, not counted twice
        roomy.remember(ALICE, "msg-7", 77, 600);
        assertThat(roomy.size()).isEqualTo(501);
        assertThat(roomy.published(ALICE, ids("msg-7"), fps(77))).containsExactly(true);
    }

    private static String[] ids(String... ids) {
        return ids;
    }

    private static long[] fps(long... fingerprints) {
        return fingerprints;
    }
}
