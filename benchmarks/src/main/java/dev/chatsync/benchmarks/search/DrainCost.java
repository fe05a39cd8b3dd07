package dev.chatsync.benchmarks.search;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

import dev.chatsync.benchmarks.sync.Progress;
import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestEventsProducer;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

/**
 * What the search column and its index cost the persister: the same events (new messages of the
 * corpus, in turns of a user message and its reply, round-robin over the conversations) drained into
 * a fresh database with them and into a fresh database without them (the migrated schema with the
 * column dropped, which drops its index too), in turns.
 */
final class DrainCost {

    private static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T09:00:00Z");

    private final ChatCorpus corpus;
    private final int events;
    private final int conversations;
    private final int partitions;
    private final int concurrency;
    private final int batchSize;

    DrainCost(ChatCorpus corpus, int events, int conversations, int partitions, int concurrency, int batchSize) {
        this.corpus = corpus;
        this.events = events;
        this.conversations = conversations;
        this.partitions = partitions;
        this.concurrency = concurrency;
        this.batchSize = batchSize;
    }

    record Drain(boolean searchable, double seconds, double rate, double p50, double p99) {
        String line() {
            return String.format(Locale.ROOT, "%-28s %,.0f events/s (%.1f s); transaction p50 %.1f ms, p99 %.1f ms",
                    searchable ? "with the search index:" : "without it:", rate, seconds, p50, p99);
        }
    }

    /** Drains the events {@code rounds} times each way, without first in the first round; returns every drain in order. */
    List<Drain> run(int rounds) throws Exception {
        String topic = "search-drain-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, partitions);
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            for (int from = 0; from < events; from += 10_000) {
                List<ConversationEvent> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(events, from + 10_000); i++) {
                    chunk.add(event(i));
                }
                producer.send(chunk);
            }
        }
        Progress.say("preloaded %,d events into Kafka", events);
        List<Drain> drains = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // in turns, so that neither way always runs in the colder JVM
            for (boolean searchable : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                Drain drain = drain(topic, searchable);
                Progress.say("drain %d %s", round + 1, drain.line());
                drains.add(drain);
            }
        }
        return drains;
    }

    private ConversationEvent event(int index) {
        int conversation = (index / 2) % conversations;
        return Envelopes.of("drain_user_" + conversation % Math.max(1, conversations / 10), "conv-" + conversation, ACCEPTED_AT.plusMillis(index),
                MessageUpserted.newBuilder()
                        .setPersonaId("hitesh")
                        .setTitle("Conversation " + conversation)
                        .setMessageId("msg-" + index)
                        .setRole(index % 2 == 0 ? MessageRole.user : MessageRole.assistant)
                        .setContent(corpus.message(index))
                        .setCreatedAt(null)
                        .build());
    }

    private Drain drain(String topic, boolean searchable) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase(searchable ? "drain_search" : "drain_plain");
        try (RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, "drain-" + UUID.randomUUID(),
                "spring.kafka.listener.auto-startup=false",
                "chatsync.persister.concurrency=" + concurrency,
                "chatsync.persister.max-batch-size=" + batchSize,
                "spring.datasource.hikari.maximum-pool-size=" + Math.max(2, concurrency),
                // the ingest-api's springdoc shares this module's classpath; the persister has no API to describe
                "springdoc.api-docs.enabled=false",
                "logging.level.root=WARN")) {
            // the persister migrated the database at start-up
            if (!searchable) {
                try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE messages DROP COLUMN search_vector");
                }
            }
            String applied = "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets";
            persister.bean(KafkaListenerEndpointRegistry.class).start();
            // the clock starts at the first committed batch: group join and start-up are not throughput
            long first;
            while ((first = Tables.number(database, applied)) == 0) {
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            while (Tables.number(database, applied) < events) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Timer transaction = persister.bean(MeterRegistry.class).timer("chatsync.persister.transaction");
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile value : transaction.takeSnapshot().percentileValues()) {
                if (value.percentile() == 0.5) {
                    p50 = value.value(TimeUnit.MILLISECONDS);
                } else if (value.percentile() == 0.99) {
                    p99 = value.value(TimeUnit.MILLISECONDS);
                }
            }
            checkColumn(database, searchable);
            return new Drain(searchable, seconds, (events - first) / seconds, p50, p99);
        }
    }

    private static void checkColumn(TestPostgres.Database database, boolean searchable) throws SQLException {
        long columns = Tables.number(database, """
                SELECT count(*) FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'search_vector'""");
        if (columns != (searchable ? 1 : 0)) {
            throw new IllegalStateException("the drain " + (searchable ? "with" : "without") + " the search column had " + columns);
        }
    }
}
