package dev.chatsync.ingest.synctoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class CommitWatcherTest {

    private static final Duration BLOCK = Duration.ofSeconds(10);

    private final AtomicReference<Map<Integer, Long>> stored = new AtomicReference<>(Map.of());
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        poller.shutdownNow();
    }

    @Test
    void aTokenCommittedByTheLastPollPassesWithoutAnotherQuery() {
        CommitWatcher watcher = watcher(Duration.ofSeconds(5), 100);
        stored.set(Map.of(3, 100L));
        assertThat(watcher.awaitCommitted(new SyncTokens.Position(3, 10)).block(BLOCK)).isTrue();
        int afterFirst = queries.get();

        assertThat(watcher.awaitCommitted(new SyncTokens.Position(3, 99)).block(BLOCK)).isTrue();
        assertThat(watcher.awaitCommitted(new SyncTokens.Position(3, 0)).block(BLOCK)).isTrue();

        assertThat(queries.get()).isEqualTo(afterFirst);
        assertThat(meters.get("chatsync.ingest.sync.wait").tag("outcome", "known").timer().count()).isEqualTo(2);
    }

    @Test
    void waitsUntilThePersisterCommitsPastTheTokenWithOneQueryPerPollForAllReads() {
        CommitWatcher watcher = watcher(Duration.ofSeconds(30), 10_000);
        stored.set(Map.of(0, 5L));
        List<CompletableFuture<Boolean>> reads = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            // next offset 5: offset 5 is not committed yet
            reads.add(watcher.awaitCommitted(new SyncTokens.Position(0, 5)).toFuture());
        }
        await(() -> waiting() == 1_000);
        assertThat(reads).noneMatch(CompletableFuture::isDone);

        stored.set(Map.of(0, 6L));

        assertThat(reads).allSatisfy(read -> assertThat(read.get(10, TimeUnit.SECONDS)).isTrue());
        assertThat(queries.get()).as("queries for 1,000 waiting reads").isLessThan(1_000);
        await(() -> waiting() == 0);
        assertThat(meters.get("chatsync.ingest.sync.wait").tag("outcome", "committed").timer().count()).isEqualTo(1_000);
    }

    @Test
    void readsOfOtherPartitionsKeepWaiting() throws Exception {
        CommitWatcher watcher = watcher(Duration.ofSeconds(30), 100);
        CompletableFuture<Boolean> p1 = watcher.awaitCommitted(new SyncTokens.Position(1, 7)).toFuture();
        CompletableFuture<Boolean> p2 = watcher.awaitCommitted(new SyncTokens.Position(2, 7)).toFuture();
        await(() -> waiting() == 2);

        stored.set(Map.of(1, 8L, 2, 7L));

        assertThat(p1.get(10, TimeUnit.SECONDS)).isTrue();
        await(() -> waiting() == 1);
        assertThat(p2).isNotDone();
        stored.set(Map.of(1, 8L, 2, 8L));
        assertThat(p2.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReadWaitsNoLongerThanTheBoundAndThenSaysSo() {
        CommitWatcher watcher = watcher(Duration.ofMillis(200), 100);

        assertThat(watcher.awaitCommitted(new SyncTokens.Position(0, 1)).block(BLOCK)).isFalse();

        await(() -> waiting() == 0);
        assertThat(meters.get("chatsync.ingest.sync.wait").tag("outcome", "timeout").timer().count()).isEqualTo(1);
    }

    @Test
    void pollsOnlyWhileReadsWait() throws InterruptedException {
        CommitWatcher watcher = watcher(Duration.ofMillis(200), 100);
        assertThat(queries.get()).isZero();

        watcher.awaitCommitted(new SyncTokens.Position(0, 1)).block(BLOCK);
        await(() -> waiting() == 0);
        Thread.sleep(50);
        int afterWait = queries.get();
        Thread.sleep(200);

        assertThat(afterWait).isPositive();
        assertThat(queries.get()).isEqualTo(afterWait);
    }

    @Test
    void beyondTheMostWaitingReadsAReadDoesNotWait() throws Exception {
        CommitWatcher watcher = watcher(Duration.ofSeconds(30), 2);
        CompletableFuture<Boolean> first = watcher.awaitCommitted(new SyncTokens.Position(0, 1)).toFuture();
        CompletableFuture<Boolean> second = watcher.awaitCommitted(new SyncTokens.Position(0, 1)).toFuture();
        await(() -> waiting() == 2);

        assertThat(watcher.awaitCommitted(new SyncTokens.Position(0, 1)).block(BLOCK)).isFalse();
        assertThat(meters.get("chatsync.ingest.sync.wait").tag("outcome", "full").timer().count()).isEqualTo(1);

        stored.set(Map.of(0, 2L));
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailingQueryIsRetriedWhileReadsWait() {
        CommitWatcher watcher = watcher(Duration.ofSeconds(30), 100);
        stored.set(Map.of(0, 2L));
        failuresLeft.set(3);

        assertThat(watcher.awaitCommitted(new SyncTokens.Position(0, 1)).block(BLOCK)).isTrue();
        assertThat(queries.get()).isEqualTo(4);
    }

    @Test
    void aCancelledReadLeaves() {
        CommitWatcher watcher = watcher(Duration.ofSeconds(30), 100);
        var read = watcher.awaitCommitted(new SyncTokens.Position(0, 1)).subscribe();
        await(() -> waiting() == 1);

        read.dispose();

        await(() -> waiting() == 0);
    }

    private CommitWatcher watcher(Duration maxWait, int maxWaiters) {
        return new CommitWatcher(() -> {
            queries.incrementAndGet();
            if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new IllegalStateException("database away");
            }
            return stored.get();
        }, poller, Duration.ofMillis(20), new SyncTokenProperties(null, maxWait, maxWaiters), meters);
    }

    private double waiting() {
        return meters.get("chatsync.ingest.sync.waiting").gauge().value();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + BLOCK.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within %s", BLOCK).isLessThan(deadline);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
