package dev.chatsync.persister.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import dev.chatsync.persister.write.BatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The persister's own meters (Kafka client metrics, consumer lag included, come from Spring Boot's
 * MicrometerConsumerListener): {@code chatsync.persister.batches}, {@code .batch.size},
 * {@code .records{outcome}}, {@code .transaction}, {@code .stage{stage}} (each {@link Stage} of a batch; a
 * batch re-applied after a refused record counts its stages again), {@code .retries}, {@code .assignment.skipped} and
 * {@code .tombstones.pruned}.
 */
@Component
public class PersisterMetrics {

    private final Counter batches;
    private final DistributionSummary batchSize;
    private final Counter inserted;
    private final Counter updated;
    private final Counter keptAsConflict;
    private final Counter unchanged;
    private final Counter skippedDeleted;
    private final Counter skippedAccountDeleted;
    private final Counter deleted;
    private final Counter deadLettered;
    private final Counter alreadyApplied;
    private final Timer transaction;
    private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
    private final Counter retries;
    private final Counter skippedOnAssignment;
    private final Counter tombstonesPruned;

    PersisterMetrics(MeterRegistry registry) {
        batches = Counter.builder("chatsync.persister.batches").description("Batches committed").register(registry);
        batchSize = DistributionSummary.builder("chatsync.persister.batch.size").description("Records per consumed batch")
                .publishPercentiles(0.5, 0.99).register(registry);
        inserted = records(registry, "inserted");
        updated = records(registry, "updated");
        keptAsConflict = records(registry, "kept-as-conflict");
        unchanged = records(registry, "unchanged");
        skippedDeleted = records(registry, "skipped-deleted");
        skippedAccountDeleted = records(registry, "skipped-account-deleted");
        deleted = records(registry, "deleted");
        deadLettered = records(registry, "dead-lettered");
        alreadyApplied = records(registry, "skipped-already-applied");
        transaction = Timer.builder("chatsync.persister.transaction").description("Database transaction of one batch, committed")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        for (Stage stage : Stage.values()) {
            stages.put(stage, Timer.builder("chatsync.persister.stage").tag("stage", stage.tag())
                    .description("Time spent in one step of writing a batch").register(registry));
        }
        retries = Counter.builder("chatsync.persister.retries").description("Batch attempts that failed and will be retried").register(registry);
        skippedOnAssignment = Counter.builder("chatsync.persister.assignment.skipped")
                .description("Offsets skipped when a partition was assigned, because kafka_offsets had them applied while the group's offsets were behind")
                .register(registry);
        tombstonesPruned = Counter.builder("chatsync.persister.tombstones.pruned")
                .description("Tombstones of deleted conversations removed after the retention").register(registry);
    }

    private static Counter records(MeterRegistry registry, String outcome) {
        return Counter.builder("chatsync.persister.records").tag("outcome", outcome)
                .description("Records (messages per stored version, conversations for deletes, events for skipped-account-deleted) by outcome").register(registry);
    }

    public void committed(int records, BatchResult result, Duration took) {
        batches.increment();
        batchSize.record(records);
        inserted.increment(result.inserted());
        updated.increment(result.updated());
        keptAsConflict.increment(result.keptAsConflict());
        unchanged.increment(result.unchanged());
        skippedDeleted.increment(result.skippedDeleted());
        skippedAccountDeleted.increment(result.skippedAccountDeleted());
        deleted.increment(result.deleted());
        deadLettered.increment(result.deadLettered());
        alreadyApplied.increment(result.alreadyApplied());
        transaction.record(took);
    }

    /**
     * Records the time since {@code startedNanos} (a {@link System#nanoTime()}) against the stage.
     *
     * @return the current {@link System#nanoTime()}: where the next stage starts
     */
    public long timed(Stage stage, long startedNanos) {
        long now = System.nanoTime();
        stages.get(stage).record(now - startedNanos, TimeUnit.NANOSECONDS);
        return now;
    }

    public void retrying() {
        retries.increment();
    }

    public void skippedOnAssignment(long offsets) {
        skippedOnAssignment.increment(offsets);
    }

    public void pruned(int tombstones) {
        tombstonesPruned.increment(tombstones);
    }
}
