package dev.chatsync.ingest.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.ConversationKey;

class RecentlyPublishedTest {

    private static final ConversationKey ALICE = new ConversationKey("user_alice", "c1");
    private static final ConversationKey BOB = new ConversationKey("user_bob", "c1");
    private static final int P = 3;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final RecentlyPublished cache = new RecentlyPublished(new DedupProperties(100, Duration.ofMinutes(10)), clock::get);

    @Test
    void knowsWhatWasPublishedWithTheSameFingerprintOnly() {
        remember(cache, ALICE, "m1", 11, P, 5);
        assertThat(published(cache, ALICE, ids("m1", "m2"), fps(11, 22))).containsExactly(true, false);
        assertThat(published(cache, ALICE, ids("m1"), fps(12))).containsExactly(false);
        // identity includes the user: bob's c1/m1 is another message
        assertThat(published(cache, BOB, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void anOlderAcknowledgementNeverOverwritesANewerOne() {
        remember(cache, ALICE, "m1", 22, P, 9);
        remember(cache, ALICE, "m1", 11, P, 7);
        assertThat(published(cache, ALICE, ids("m1"), fps(22))).containsExactly(true);
        assertThat(published(cache, ALICE, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void forgettingAConversationFencesOffLateAcknowledgementsOfEarlierPublishes() {
        remember(cache, ALICE, "m1", 11, P, 5);
        cache.forget(ALICE, -1);
        assertThat(published(cache, ALICE, ids("m1"), fps(11))).containsExactly(false);
        cache.forget(ALICE, 10);
        remember(cache, ALICE, "m2", 22, P, 8);
        assertThat(published(cache, ALICE, ids("m2"), fps(22))).containsExactly(false);
        remember(cache, ALICE, "m2", 22, P, 12);
        assertThat(published(cache, ALICE, ids("m2"), fps(22))).containsExactly(true);
    }

    @Test
    void skippedMessagesTellWhereTheyWereStored() {
        remember(cache, ALICE, "m1", 11, P, 5);
        remember(cache, ALICE, "m2", 22, P, 9);
        remember(cache, ALICE, "m3", 33, P, 7);

        RecentlyPublished.Unpublished<Sent> allSkipped = cache.unpublished(ALICE, List.of(new Sent("m1", 11), new Sent("m3", 33)));
        assertThat(allSkipped.messages()).isEmpty();
        assertThat(allSkipped.partition()).isEqualTo(P);
        assertThat(allSkipped.highestSkippedOffset()).isEqualTo(7);

        // m2 changed: only the unchanged ones count
        RecentlyPublished.Unpublished<Sent> someSkipped = cache.unpublished(ALICE, List.of(new Sent("m1", 11), new Sent("m2", 23)));
        assertThat(someSkipped.messages()).containsExactly(new Sent("m2", 23));
        assertThat(someSkipped.highestSkippedOffset()).isEqualTo(5);

        RecentlyPublished.Unpublished<Sent> noneSkipped = cache.unpublished(ALICE, List.of(new Sent("m4", 44)));
        assertThat(noneSkipped.partition()).isEqualTo(-1);
        assertThat(noneSkipped.highestSkippedOffset()).isEqualTo(-1);
        assertThat(cache.unpublished(BOB, List.of(new Sent("m1", 11))).highestSkippedOffset()).isEqualTo(-1);
    }

    @Test
    void entriesExpire() {
        remember(cache, ALICE, "m1", 11, P, 5);
        clock.addAndGet(Duration.ofMinutes(11).toMillis());
        assertThat(published(cache, ALICE, ids("m1"), fps(11))).containsExactly(false);
    }

    @Test
    void staysWithinItsSizeDroppingLeastRecentlyUsedConversations() {
        for (int c = 0; c < 50; c++) {
            ConversationKey key = new ConversationKey("user_" + c, "c");
            for (int m = 0; m < 10; m++) {
                remember(cache, key, "m" + m, m, P, m);
            }
        }
        assertThat(cache.size()).isLessThanOrEqualTo(100);
        assertThat(published(cache, new ConversationKey("user_49", "c"), ids("m9"), fps(9))).containsExactly(true);
        assertThat(published(cache, new ConversationKey("user_0", "c"), ids("m0"), fps(0))).containsExactly(false);
    }

    @Test
    void aLongConversationKeepsEveryMessageApart() {
        RecentlyPublished roomy = new RecentlyPublished(new DedupProperties(10_000, Duration.ofMinutes(10)), clock::get);
        for (int m = 0; m < 500; m++) {
            remember(roomy, ALICE, "msg-" + m, 1_000 + m, P, m);
        }
        assertThat(roomy.size()).isEqualTo(501);
        for (int m = 0; m < 500; m++) {
            assertThat(published(roomy, ALICE, ids("msg-" + m), fps(1_000 + m))).containsExactly(true);
            assertThat(published(roomy, ALICE, ids("msg-" + m), fps(m))).containsExactly(false);
        }
        assertThat(published(roomy, ALICE, ids("msg-500"), fps(1_500))).containsExactly(false);
        // remembered again at a later offset: replaced, not counted twice
        remember(roomy, ALICE, "msg-7", 77, P, 600);
        assertThat(roomy.size()).isEqualTo(501);
        assertThat(published(roomy, ALICE, ids("msg-7"), fps(77))).containsExactly(true);
    }

    @Test
    void concurrentAcknowledgementsOfOneConversationAreAllKept() throws Exception {
        RecentlyPublished roomy = new RecentlyPublished(new DedupProperties(10_000, Duration.ofMinutes(10)), clock::get);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = IntStream.range(0, 4)
                    .<Future<?>>mapToObj(t -> threads.submit(() -> {
                        for (int m = t; m < 2_000; m += 4) {
                            remember(roomy, ALICE, "msg-" + m, m, P, m);
                            assertThat(published(roomy, ALICE, ids("msg-" + m), fps(m))).containsExactly(true);
                        }
                    }))
                    .toList();
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(roomy.size()).isEqualTo(2_001);
        for (int m = 0; m < 2_000; m++) {
            assertThat(published(roomy, ALICE, ids("msg-" + m), fps(m))).containsExactly(true);
        }
    }

    /** For each message, whether the cache skips it as published unchanged. */
    private static void remember(RecentlyPublished cache, ConversationKey key, String messageId, long fingerprint, int partition, long offset) {
        cache.remember(key, List.of(new Sent(messageId, fingerprint)), partition, new long[] {offset});
    }

    private static boolean[] published(RecentlyPublished cache, ConversationKey key, String[] ids, long[] fingerprints) {
        List<Sent> messages = IntStream.range(0, ids.length).mapToObj(i -> new Sent(ids[i], fingerprints[i])).toList();
        List<Sent> unpublished = cache.unpublished(key, messages).messages();
        boolean[] published = new boolean[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            published[i] = !unpublished.contains(messages.get(i));
        }
        return published;
    }

    private record Sent(String messageId, long fingerprint) implements RecentlyPublished.Fingerprinted {
    }

    private static String[] ids(String... ids) {
        return ids;
    }

    private static long[] fps(long... fingerprints) {
        return fingerprints;
    }
}
