package dev.chatsync.persister.prune;

import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.DirectWriter;
import dev.chatsync.persister.Tables;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;

/**
 * Pruning on the retention of the changes feed (30 days, its default), on a persister whose schedule
 * runs every second and deletes two tombstones per transaction: it removes only tombstones older than
 * the retention and moves the feed horizon to the newest stamp it removed, never back, also when
 * several prune at once. Tombstones here are deleted relative to now, not on the test events' day.
 */
class TombstonePrunerIT {


    private static DirectWriter direct;

    @BeforeAll
    static void start() {
        direct = DirectWriter.start("pruner", "chatsync.changes.tombstone-retention=30d", "chatsync.persister.pruning.interval=1s", "chatsync.persister.pruning.chunk-size=2");
    }

    @AfterAll
    static void stop() {
        direct.close();
    }

    @Test
    void theScheduleRemovesOnlyTombstonesOlderThanTheRetentionAndMovesTheHorizonForward() {
        // one batch each, so each tombstone has its own stamp; the oldest delete is not the newest stamp
        tombstone("u-prune", "old-1", daysAgo(45));
        tombstone("u-prune", "old-2", daysAgo(60));
        long newestOld = tombstone("u-prune", "old-3", daysAgo(31));
        tombstone("u-prune", "young-1", daysAgo(29));
        tombstone("u-prune", "young-2", daysAgo(1));

        await().atMost(Duration.ofSeconds(20)).until(() -> tombstonesOf("u-prune").size() == 2);

        assertThat(tombstonesOf("u-prune")).containsExactly("young-1", "young-2");
        assertThat(Tables.number(direct.database(), "SELECT pruned_xid::xid::text FROM feed_horizon")).isEqualTo(newestOld);
        assertThat(direct.persister().get("/actuator/prometheus").body()).containsPattern("chatsync_persister_tombstones_pruned_total(\\{[^}]*})? [1-9]");

        // a horizon already past what is pruned stays where it is
        Tables.rows(direct.database(), "UPDATE feed_horizon SET pruned_xid = '4000000000' RETURNING pruned_xid");
        tombstone("u-prune", "old-4", daysAgo(40));
        await().atMost(Duration.ofSeconds(20)).until(() -> !tombstonesOf("u-prune").contains("old-4"));
        assertThat(horizon()).isEqualTo(4_000_000_000L);
        assertThat(tombstonesOf("u-prune")).containsExactly("young-1", "young-2");
    }

    @Test
    void instancesPruningAtOnceRemoveEveryExpiredTombstoneOnce() throws Exception {
        List<ConversationEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(message("u-prune-many", "c" + i, "m1", user, "soon gone", i));
            events.add(Envelopes.of("u-prune-many", "c" + i, daysAgo(50 + i), ConversationDeleted.newBuilder().build()));
        }
        events.add(Envelopes.of("u-prune-many", "c-kept", daysAgo(1), ConversationDeleted.newBuilder().build()));
        direct.writer().write(direct.batches().of(message("u-prune-many", "c-kept", "m1", user, "kept", 0)));
        direct.writer().write(direct.batches().of(events.toArray(ConversationEvent[]::new)));
        long stamp = Tables.number(direct.database(), "SELECT max(change_xid)::text FROM conversation_tombstones WHERE user_id = 'u-prune-many'");
        assertThat(tombstonesOf("u-prune-many")).hasSize(41);

        TombstonePruner pruner = direct.persister().bean(TombstonePruner.class);
        ExecutorService instances = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pruner::pruneExpired);
            }
            for (Future<Integer> run : instances.invokeAll(runs)) {
                run.get();
            }
        } finally {
            instances.shutdown();
        }

        // the scheduled run may have taken some; together they removed all 40, and only those
        await().atMost(Duration.ofSeconds(20)).until(() -> tombstonesOf("u-prune-many").size() == 1);
        assertThat(tombstonesOf("u-prune-many")).containsExactly("c-kept");
        assertThat(horizon()).isGreaterThanOrEqualTo(stamp);
    }

    /** @return the 32-bit id of the transaction that wrote the tombstone (the xmin of the offsets row it advanced) */
    private static long tombstone(String userId, String conversationId, Instant deletedAt) {
        direct.writer().write(direct.batches().of(message(userId, conversationId, "m1", user, "soon gone", 0)));
        direct.writer().write(direct.batches().of(Envelopes.of(userId, conversationId, deletedAt, ConversationDeleted.newBuilder().build())));
        return Tables.number(direct.database(), "SELECT xmin::text FROM kafka_offsets");
    }

    private static Instant daysAgo(int days) {
        return Instant.now().minus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
    }

    private static long horizon() {
        return Tables.number(direct.database(), "SELECT pruned_xid::text FROM feed_horizon");
    }

    private static List<String> tombstonesOf(String userId) {
        return Tables.rows(direct.database(), "SELECT conversation_id FROM conversation_tombstones WHERE user_id = '" + userId + "' ORDER BY 1");
    }
}
