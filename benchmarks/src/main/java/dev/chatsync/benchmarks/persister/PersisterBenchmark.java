package dev.chatsync.benchmarks.persister;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

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
 * Throughput of the persister against the physical limit (COPY), on this machine's embedded Kafka and
 * Postgres. Not a test: {@code ./mvnw -B -pl benchmarks exec:java@persister}, with {@code -Dmessages=500000}
 * (new messages, 1 KB each, over {@code -Dconversations=20000}, arriving in turns of a user message and
 * its reply, round-robin over the conversations), {@code -Dresync=250000} (events of the re-sync phase:
 * per conversation 19 stored messages re-sent unchanged and 1 new),
 * {@code -Dpartitions=4}, {@code -Dconcurrency=2}, {@code -DbatchSize=1000}.
 */
public final class PersisterBenchmark {

    private static final int MESSAGES = Integer.getInteger("messages", 500_000);
    private static final int CONVERSATIONS = Integer.getInteger("conversations", 20_000);
    private static final int RESYNC = Integer.getInteger("resync", 250_000);
    private static final int PARTITIONS = Integer.getInteger("partitions", 4);
    private static final int CONCURRENCY = Integer.getInteger("concurrency", 2);
    private static final int BATCH_SIZE = Integer.getInteger("batchSize", 1000);
    private static final int USERS = Math.max(1, CONVERSATIONS / 10);
    private static final Instant ACCEPTED_AT = Instant.parse("2026-11-24T09:00:00Z");
    private static final String[] WORDS = ("kafka postgres batch upsert conversation persona message stream reply sync offset "
            + "partition commit transaction neon index row revision client browser cache device hitesh chat model token "
            + "the a of to and in is it that for on with as was at by this be from or have an are not but").split(" ");

    private PersisterBenchmark() {
    }

    public static void main(String[] args) {
        // exit explicitly: the embedded broker's threads would keep exec:java waiting forever
        try {
            run();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        System.out.printf(Locale.ROOT, "persister benchmark: %,d new messages of 1 KB over %,d conversations, re-sync of %,d events; %d partitions, concurrency %d, batch %d%n",
                MESSAGES, CONVERSATIONS, RESYNC, PARTITIONS, CONCURRENCY, BATCH_SIZE);
        String topic = "benchmark-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, PARTITIONS);
        TestPostgres.Database database = TestPostgres.shared().newDatabase("benchmark");

        long started = System.nanoTime();
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            for (int from = 0; from < MESSAGES; from += 10_000) {
                List<ConversationEvent> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(MESSAGES, from + 10_000); i++) {
                    chunk.add(event(conversationOf(i), "msg-" + i, roleOf(i), i, i));
                }
                producer.send(chunk);
            }
        }
        System.out.printf(Locale.ROOT, "preloaded %,d events into Kafka in %.1f s%n", MESSAGES, seconds(started));

        Phase fresh = drain("new messages", database, topic, MESSAGES);

        // re-sync: clients re-send whole conversations; 19 of every 20 events are already stored
        try (TestEventsProducer producer = new TestEventsProducer(TestKafka.shared().bootstrapServers(), topic)) {
            List<ConversationEvent> chunk = new ArrayList<>();
            int nextNew = 0;
            for (int e = 0, post = 0; e < RESYNC; post++) {
                int conversation = post % CONVERSATIONS;
                int stored = storedIn(conversation);
                for (int k = 0; k < 19 && e < RESYNC; k++, e++) {
                    int index = indexOf(conversation, (post / CONVERSATIONS + k) % stored);
                    chunk.add(event(conversation, "msg-" + index, roleOf(index), index, MESSAGES + e));
                }
                if (e < RESYNC) {
                    chunk.add(event(conversation, "msg-new-" + nextNew, MessageRole.user, MESSAGES + nextNew++, MESSAGES + e));
                    e++;
                }
                if (chunk.size() >= 10_000) {
                    producer.send(chunk);
                    chunk.clear();
                }
            }
            producer.send(chunk);
        }
        Phase resync = drain("re-sync (95% unchanged)", database, topic, MESSAGES + RESYNC);

        double copyRate = copyBaseline();
        System.out.printf(Locale.ROOT, "%nRESULTS%n");
        fresh.print();
        resync.print();
        System.out.printf(Locale.ROOT, "COPY of the same %,d rows into messages: %,.0f rows/s%n", MESSAGES, copyRate);
        System.out.printf(Locale.ROOT, "new messages vs COPY: %.0f %% (target >= 50 %%)%n", 100 * fresh.rate / copyRate);
        System.out.printf(Locale.ROOT, "re-sync vs new messages: %.2fx (target >= 2x)%n", resync.rate / fresh.rate);
    }

    // Messages arrive in turns, a user message and the assistant's reply, round-robin over conversations.
    private static int conversationOf(int index) {
        return (index / 2) % CONVERSATIONS;
    }

    private static MessageRole roleOf(int index) {
        return index % 2 == 0 ? MessageRole.user : MessageRole.assistant;
    }

    /** The preloaded message at {@code position} within {@code conversation}. */
    private static int indexOf(int conversation, int position) {
        return 2 * (conversation + CONVERSATIONS * (position / 2)) + position % 2;
    }

    private static int storedIn(int conversation) {
        int positions = 0;
        while (indexOf(conversation, positions) < MESSAGES) {
            positions++;
        }
        return positions;
    }

    private static ConversationEvent event(int conversation, String messageId, MessageRole role, int contentSeed, long sequence) {
        return Envelopes.of("user_" + conversation % USERS, "conv-" + conversation, ACCEPTED_AT.plusMillis(sequence),
                MessageUpserted.newBuilder()
                        .setPersonaId("hitesh")
                        .setTitle("Conversation " + conversation)
                        .setMessageId(messageId)
                        .setRole(role)
                        .setContent(content(contentSeed))
                        .setCreatedAt(null)
                        .build());
    }

    private static String content(int index) {
        Random random = new Random(index);
        StringBuilder text = new StringBuilder(1100);
        while (text.length() < 1024) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return text.substring(0, 1024);
    }

    private record Phase(String name, long events, double seconds, double rate, double rowsPerTransaction, double batches,
                         double p50, double p99, double inserted, double updated, double unchanged) {
        void print() {
            System.out.printf(Locale.ROOT, "%s: %,d events in %.1f s = %,.0f events/s; %,.0f transactions, %.0f messages written per transaction "
                            + "(inserted %,.0f, updated %,.0f, unchanged %,.0f); transaction p50 %.1f ms, p99 %.1f ms%n",
                    name, events, seconds, rate, batches, rowsPerTransaction, inserted, updated, unchanged, p50, p99);
        }
    }

    private static Phase drain(String name, TestPostgres.Database database, String topic, long untilOffsets) throws Exception {
        try (RunningPersister persister = RunningPersister.start(database.databaseUrl(), topic, "benchmark",
                "spring.kafka.listener.auto-startup=false",
                "chatsync.persister.concurrency=" + CONCURRENCY,
                "chatsync.persister.max-batch-size=" + BATCH_SIZE,
                "spring.datasource.hikari.maximum-pool-size=" + Math.max(2, CONCURRENCY),
                // the ingest-api's springdoc shares this module's classpath; the persister has no API to describe
                "springdoc.api-docs.enabled=false",
                "logging.level.root=WARN")) {
            String applied = "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets";
            long before = Tables.number(database, applied);
            persister.bean(KafkaListenerEndpointRegistry.class).start();
            // the clock starts at the first committed batch: group join and start-up are not throughput
            long first;
            while ((first = Tables.number(database, applied)) == before) {
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            while (Tables.number(database, applied) < untilOffsets) {
                Thread.sleep(100);
            }
            double seconds = seconds(started);
            MeterRegistry meters = persister.bean(MeterRegistry.class);
            Timer transaction = meters.timer("chatsync.persister.transaction");
            double p50 = 0;
            double p99 = 0;
            for (ValueAtPercentile value : transaction.takeSnapshot().percentileValues()) {
                if (value.percentile() == 0.5) {
                    p50 = value.value(TimeUnit.MILLISECONDS);
                } else if (value.percentile() == 0.99) {
                    p99 = value.value(TimeUnit.MILLISECONDS);
                }
            }
            double inserted = records(meters, "inserted");
            double updated = records(meters, "updated");
            double unchanged = records(meters, "unchanged");
            double batches = meters.counter("chatsync.persister.batches").count();
            long events = untilOffsets - first;
            return new Phase(name, events, seconds, events / seconds, (inserted + updated) / batches, batches, p50, p99, inserted, updated, unchanged);
        }
    }

    private static double records(MeterRegistry meters, String outcome) {
        return meters.counter("chatsync.persister.records", "outcome", outcome).count();
    }

    /** The same rows COPYed into messages of a fresh database: what Postgres can take at best. */
    private static double copyBaseline() throws SQLException, java.io.IOException {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("copy_baseline");
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO users (id) SELECT 'user_' || u FROM generate_series(0, " + (USERS - 1) + ") u");
            statement.execute("INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at) "
                    + "SELECT 'user_' || (c % " + USERS + "), 'conv-' || c, 'hitesh', 'Conversation ' || c, now(), now() "
                    + "FROM generate_series(0, " + (CONVERSATIONS - 1) + ") c ORDER BY c");
            // The rows are made before the clock starts: generating them inside the window slowed COPY down
            // and flattered the persister's ratio to it (issue 15).
            List<byte[]> chunks = new ArrayList<>();
            for (int from = 0; from < MESSAGES; from += 10_000) {
                StringBuilder rows = new StringBuilder(10_000 * 1200);
                for (int i = from; i < Math.min(MESSAGES, from + 10_000); i++) {
                    Instant at = ACCEPTED_AT.plusMillis(i);
                    rows.append(conversationOf(i) + 1).append('\t').append("user_").append(conversationOf(i) % USERS).append('\t')
                            .append("msg-").append(i).append('\t')
                            .append(roleOf(i).name()).append('\t').append(content(i)).append('\t')
                            .append(at).append('\t').append(at).append('\n');
                }
                chunks.add(rows.toString().getBytes(StandardCharsets.UTF_8));
            }
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            long started = System.nanoTime();
            for (byte[] chunk : chunks) {
                copy.copyIn("COPY messages (conversation_pk, user_id, message_id, role, content, created_at, updated_at) FROM STDIN", new ByteArrayInputStream(chunk));
            }
            return MESSAGES / seconds(started);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
