package dev.chatsync.persister.write;

import static dev.chatsync.persister.TestEvents.conversation;
import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.edit;
import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.chatsync.persister.RunningPersister;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.TestBatches;
import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.schemas.EventTopics;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * One user's devices writing the same conversation: a device that is behind never reverts a newer
 * edit (with or without revisions), two edits of the same base keep both and end alike in every
 * arrival order, a streaming reply still updates in place, and a device that missed a delete does
 * not bring the conversation back unless it writes a new message. Each test uses its own users.
 */
class SeveralDevicesIT {

    private static final String TOPIC = "several-devices-" + UUID.randomUUID();

    private static TestPostgres.Database database;
    private static RunningPersister persister;
    private static BatchWriter writer;
    private static TestBatches batches;

    @BeforeAll
    static void start() {
        TestKafka.shared().createTopic(TOPIC, 1);
        TestKafka.shared().createTopic(EventTopics.deadLetterOf(TOPIC), 1);
        database = TestPostgres.shared().newDatabase("several_devices");
        persister = RunningPersister.start(database.databaseUrl(), TOPIC, "several-devices", "spring.kafka.listener.auto-startup=false");
        writer = persister.bean(BatchWriter.class);
        batches = new TestBatches(TOPIC);
    }

    @AfterAll
    static void stop() {
        persister.close();
    }

    @Test
    void aStaleWholeConversationResyncWithoutRevisionsDoesNotRevertANewerEdit() {
        // device A stores the conversation; device B edits m1
        writer.write(batches.of(
                message("u-plain", "c1", "m1", user, "version one", 1),
                message("u-plain", "c1", "m2", assistant, "an answer", 2)));
        BatchResult edited = writer.write(batches.of(message("u-plain", "c1", "m1", user, "version two", 3)));
        assertThat(edited.updated()).isEqualTo(1);
        Map<String, List<String>> before = dumpWithoutOffsets();

        // device A, which has not pulled since, re-sends its whole conversation
        BatchResult resync = writer.write(batches.of(
                message("u-plain", "c1", "m1", user, "version one", 300),
                message("u-plain", "c1", "m2", assistant, "an answer", 301)));

        assertThat(resync.unchanged()).isEqualTo(2);
        assertThat(resync.updated() + resync.keptAsConflict() + resync.inserted()).isZero();
        assertThat(messagesOf("u-plain")).containsExactly("c1|m1|version two|2|null|0", "c1|m2|an answer|1|null|0");
        assertThat(revisionsOf("u-plain")).containsExactly("c1|m1|1|version one|false|null");
        // nothing written, nothing stamped: the feed has nothing new for the other devices
        assertThat(dumpWithoutOffsets()).isEqualTo(before);
    }

    @Test
    void aStaleWholeConversationResyncWithRevisionsDoesNotRevertANewerEdit() {
        writer.write(batches.of(
                message("u-rev", "c1", "m1", user, "version one", 1),
                message("u-rev", "c1", "m2", assistant, "an answer", 2)));
        // device B read revision 1 and edited it
        writer.write(batches.of(edit("u-rev", "c1", "m1", user, "version two", 1, 3)));
        Map<String, List<String>> before = dumpWithoutOffsets();

        // device A re-sends its copy with the revisions it last read
        BatchResult resync = writer.write(batches.of(
                edit("u-rev", "c1", "m1", user, "version one", 1, 300),
                edit("u-rev", "c1", "m2", assistant, "an answer", 1, 301)));

        assertThat(resync.unchanged()).isEqualTo(2);
        assertThat(messagesOf("u-rev")).containsExactly("c1|m1|version two|2|1|0", "c1|m2|an answer|1|null|0");
        assertThat(revisionsOf("u-rev")).containsExactly("c1|m1|1|version one|false|null");
        assertThat(dumpWithoutOffsets()).isEqualTo(before);

        // and a re-sync of the current versions with their own revision changes nothing either
        BatchResult current = writer.write(batches.of(edit("u-rev", "c1", "m1", user, "version two", 2, 302)));
        assertThat(current.unchanged()).isEqualTo(1);
        assertThat(dumpWithoutOffsets()).isEqualTo(before);
    }

    @Test
    void anEditFromACopyThatMissedLaterEditsIsKeptAsAConflictWhichTheFeedCarries() {
        writer.write(batches.of(message("u-stale", "c1", "m1", user, "v1", 1)));
        writer.write(batches.of(edit("u-stale", "c1", "m1", user, "v2", 1, 2)));
        writer.write(batches.of(edit("u-stale", "c1", "m1", user, "v3", 2, 3)));

        // device A edits the copy it read at revision 1: it never saw v2 or v3
        BatchResult stale = writer.write(batches.of(edit("u-stale", "c1", "m1", user, "A's edit of v1", 1, 4)));
        String xid = lastBatchXid();

        assertThat(stale.keptAsConflict()).isEqualTo(1);
        assertThat(stale.updated()).isZero();
        assertThat(messagesOf("u-stale")).containsExactly("c1|m1|v3|3|2|1");
        assertThat(revisionsOf("u-stale")).containsExactly(
                "c1|m1|1|v1|false|null", "c1|m1|2|v2|false|1", "c1|m1|4|A's edit of v1|true|1");
        // the message and its conversation are stamped, so the feed carries the conflict; the current
        // version was not replaced, so its updated_at stays
        assertThat(Tables.rows(database, """
                SELECT c.change_xid::xid || '|' || m.change_xid::xid || '|' || to_char(m.updated_at AT TIME ZONE 'UTC', 'HH24:MI:SS')
                FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = 'u-stale'"""))
                .containsExactly(xid + "|" + xid + "|10:15:33");

        // the same stale edit again is a version the message keeps: nothing happens
        Map<String, List<String>> before = dumpWithoutOffsets();
        assertThat(writer.write(batches.of(edit("u-stale", "c1", "m1", user, "A's edit of v1", 1, 5))).unchanged()).isEqualTo(1);
        assertThat(dumpWithoutOffsets()).isEqualTo(before);

        // a device that read the current revision after the conflict edits on: a normal edit, numbered
        // above every kept version
        BatchResult resolved = writer.write(batches.of(edit("u-stale", "c1", "m1", user, "v3 and A's point", 3, 6)));
        assertThat(resolved.updated()).isEqualTo(1);
        assertThat(messagesOf("u-stale")).containsExactly("c1|m1|v3 and A's point|5|3|1");
        assertThat(revisionsOf("u-stale")).containsExactly(
                "c1|m1|1|v1|false|null", "c1|m1|2|v2|false|1", "c1|m1|3|v3|false|2", "c1|m1|4|A's edit of v1|true|1");
    }

    @Test
    void twoDevicesEditingOneBaseKeepBothAndEndAlikeInEveryOrderAndRedelivery() {
        assertConcurrentEditsConverge("u-two-", List.of("edited on the phone", "edited on the laptop"));
    }

    @Test
    void threeDevicesEditingOneBaseKeepAllAndEndAlikeInEveryOrderAndRedelivery() {
        assertConcurrentEditsConverge("u-three-", List.of("edited on the phone", "edited on the laptop", "edited on the tablet"));
    }

    @Test
    void twentyStreamingUpdatesWithoutRevisionEndWithTheFinalText() {
        writer.write(batches.of(message("u-stream", "c1", "q", user, "tell me about Kafka", 0)));
        List<ConversationEvent> oneBatch = new ArrayList<>();
        StringBuilder reply = new StringBuilder();
        for (int chunk = 1; chunk <= 20; chunk++) {
            reply.append("chunk ").append(chunk).append(' ');
            // one device streams "a" in a batch per update, the same reply streams into "b" within one batch
            BatchResult result = writer.write(batches.of(message("u-stream", "c1", "a", assistant, reply.toString(), chunk)));
            assertThat(result.inserted() + result.updated()).isEqualTo(1);
            oneBatch.add(message("u-stream", "c1", "b", assistant, reply.toString(), chunk));
        }
        BatchResult streamedInOneBatch = writer.write(batches.of(oneBatch.toArray(ConversationEvent[]::new)));

        assertThat(streamedInOneBatch.inserted()).isEqualTo(1);
        assertThat(streamedInOneBatch.updated()).isEqualTo(19);
        String text = reply.toString();
        assertThat(messagesOf("u-stream")).containsExactly(
                "c1|q|tell me about Kafka|1|null|0", "c1|a|" + text + "|20|null|0", "c1|b|" + text + "|20|null|0");
        assertThat(Tables.number(database, """
                SELECT count(*) FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk
                WHERE c.user_id = 'u-stream' AND NOT r.conflict""")).isEqualTo(38);
        assertThat(revisionsOf("u-stream")).noneMatch(row -> row.contains("|true|"));
    }

    @Test
    void aStaleResyncAfterADeleteDoesNotBringTheConversationBack() {
        writer.write(batches.of(
                message("u-gone", "c1", "m1", user, "hello", 1),
                message("u-gone", "c1", "m2", assistant, "hi", 2)));
        writer.write(batches.of(deleted("u-gone", "c1", 3)));
        assertThat(Tables.rows(database, "SELECT message_ids FROM conversation_tombstones WHERE user_id = 'u-gone'"))
                .containsExactly("{m1,m2}");
        Map<String, List<String>> before = dumpWithoutOffsets();

        // a device that missed the delete re-sends the conversation, one message edited meanwhile
        BatchResult resync = writer.write(batches.of(
                message("u-gone", "c1", "m1", user, "hello, edited offline", 300),
                message("u-gone", "c1", "m2", assistant, "hi", 301)));

        assertThat(resync.skippedDeleted()).isEqualTo(2);
        assertThat(resync.inserted() + resync.updated() + resync.keptAsConflict()).isZero();
        assertThat(Tables.number(database, "SELECT count(*) FROM conversations WHERE user_id = 'u-gone'")).isZero();
        assertThat(Tables.number(database, "SELECT sum(message_count) FROM rate_limits WHERE user_id = 'u-gone'")).isEqualTo(1);
        assertThat(dumpWithoutOffsets()).isEqualTo(before);
    }

    @Test
    void aNewMessageAfterADeleteCreatesTheConversationAgainWithItAlone() {
        writer.write(batches.of(
                message("u-again", "c1", "m1", user, "hello", 1),
                message("u-again", "c1", "m2", assistant, "hi", 2)));
        writer.write(batches.of(deleted("u-again", "c1", 3)));

        // a device that missed the delete re-sends its copy and writes a new message to it
        BatchResult written = writer.write(batches.of(
                message("u-again", "c1", "m1", user, "hello", 10),
                message("u-again", "c1", "m2", assistant, "hi", 11),
                message("u-again", "c1", "m3", user, "one more thing", 12)));

        assertThat(written.skippedDeleted()).isEqualTo(2);
        assertThat(written.inserted()).isEqualTo(1);
        assertThat(messagesOf("u-again")).containsExactly("c1|m3|one more thing|1|null|0");
        // the conversation starts again with the new message, not with the re-sends before it
        assertThat(Tables.rows(database, "SELECT to_char(created_at AT TIME ZONE 'UTC', 'HH24:MI:SS') FROM conversations WHERE user_id = 'u-again'"))
                .containsExactly("10:15:42");

        // its old messages stay deleted in the re-created conversation too
        BatchResult again = writer.write(batches.of(
                message("u-again", "c1", "m1", user, "hello", 20),
                message("u-again", "c1", "m3", user, "one more thing", 21)));
        assertThat(again.skippedDeleted()).isEqualTo(1);
        assertThat(again.unchanged()).isEqualTo(1);
        assertThat(messagesOf("u-again")).containsExactly("c1|m3|one more thing|1|null|0");

        // deleted again: the tombstone holds every message id either delete removed
        writer.write(batches.of(deleted("u-again", "c1", 30)));
        assertThat(Tables.rows(database, "SELECT message_ids FROM conversation_tombstones WHERE user_id = 'u-again'"))
                .containsExactly("{m1,m2,m3}");
    }

    @Test
    void metadataAloneAfterADeleteDoesNotBringTheConversationBack() {
        writer.write(batches.of(message("u-meta-gone", "c1", "m1", user, "hello", 1)));
        writer.write(batches.of(deleted("u-meta-gone", "c1", 2)));

        writer.write(batches.of(
                conversation("u-meta-gone", "c1", "hitesh", "Renamed on a stale device", 3),
                conversation("u-meta-gone", "never-stored", "hitesh", "A new conversation", 4)));

        assertThat(Tables.rows(database, "SELECT conversation_id || '|' || title FROM conversations WHERE user_id = 'u-meta-gone'"))
                .containsExactly("never-stored|A new conversation");
    }

    @Test
    void deletesAndReSendsInOneBatchEndAsWhenWrittenOneByOne() {
        Function<String, List<ConversationEvent>> events = userId -> List.of(
                message(userId, "c1", "m1", user, "first", 1),
                message(userId, "c1", "m2", assistant, "reply", 2),
                deleted(userId, "c1", 3),
                message(userId, "c1", "m1", user, "first", 4),
                conversation(userId, "c1", "hitesh", "Renamed", 5),
                message(userId, "c1", "m3", user, "new after the delete", 6),
                message(userId, "c1", "m2", assistant, "reply", 7),
                deleted(userId, "c1", 8),
                message(userId, "c1", "m3", user, "new after the delete", 9),
                conversation(userId, "c2", "hitesh", "Kept", 10),
                deleted(userId, "c2", 11),
                conversation(userId, "c2", "hitesh", "Renamed after its delete", 12),
                message(userId, "c2", "n1", user, "in c2 after its delete", 13));

        for (ConversationEvent event : events.apply("u-mixed-single")) {
            writer.write(batches.of(event));
        }
        writer.write(batches.of(events.apply("u-mixed-batch").toArray(ConversationEvent[]::new)));

        assertThat(stateOf("u-mixed-batch")).isEqualTo(stateOf("u-mixed-single"));
        assertThat(messagesOf("u-mixed-batch")).containsExactly("c2|n1|in c2 after its delete|1|null|0");
        assertThat(Tables.rows(database, "SELECT conversation_id || '|' || message_ids::text FROM conversation_tombstones WHERE user_id = 'u-mixed-batch' ORDER BY 1"))
                .containsExactly("c1|{m1,m2,m3}", "c2|{}");
    }

    /**
     * Each device edits the same base (revision 1 of m1, which a plain client stored) with its text.
     * For every order of the edits, written one batch each or all in one batch, then redelivered
     * (the same batch again) and re-sent (the same edits and the original as new records), the
     * current version, the versions kept and their conflict flags come out the same.
     */
    private static void assertConcurrentEditsConverge(String userPrefix, List<String> edits) {
        List<List<String>> orders = permutations(edits);
        List<Outcome> outcomes = new ArrayList<>();
        int run = 0;
        for (List<String> order : orders) {
            for (boolean oneBatch : new boolean[] {false, true}) {
                String userId = userPrefix + run++;
                writer.write(batches.of(message(userId, "c1", "m1", user, "the original", 0)));
                List<ConversationEvent> writes = new ArrayList<>();
                for (int i = 0; i < order.size(); i++) {
                    writes.add(edit(userId, "c1", "m1", user, order.get(i), 1, i + 1));
                }
                List<List<Decoded>> written = new ArrayList<>();
                if (oneBatch) {
                    written.add(batches.of(writes.toArray(ConversationEvent[]::new)));
                } else {
                    writes.forEach(write -> written.add(batches.of(write)));
                }
                int kept = 0;
                for (List<Decoded> batch : written) {
                    BatchResult result = writer.write(batch);
                    kept += result.updated() + result.keptAsConflict();
                }
                assertThat(kept).as("every edit is kept").isEqualTo(edits.size());
                Outcome settled = outcomeOf(userId);

                for (List<Decoded> batch : written) {
                    assertThat(writer.write(batch).alreadyApplied()).isEqualTo(batch.size());
                }
                List<ConversationEvent> resent = new ArrayList<>(writes);
                resent.add(message(userId, "c1", "m1", user, "the original", 100));
                BatchResult again = writer.write(batches.of(resent.toArray(ConversationEvent[]::new)));
                assertThat(again.unchanged()).isEqualTo(resent.size());
                assertThat(outcomeOf(userId)).isEqualTo(settled);
                outcomes.add(settled);
            }
        }

        assertThat(outcomes).hasSize(2 * orders.size());
        assertThat(outcomes).as("one final state whatever the order").containsOnly(outcomes.get(0));
        Outcome outcome = outcomes.get(0);
        assertThat(edits).contains(outcome.current());
        List<String> expectedKept = new ArrayList<>();
        expectedKept.add("the original|false|null");
        edits.stream().filter(e -> !e.equals(outcome.current())).forEach(e -> expectedKept.add(e + "|true|1"));
        assertThat(outcome.kept()).containsExactlyInAnyOrderElementsOf(expectedKept);
        assertThat(outcome.conflicts()).isEqualTo(edits.size() - 1);
        assertThat(outcome.basedOn()).isEqualTo("1");
    }

    /** The current content, its base, the message's conflict count and its kept versions (content|conflict|base, sorted). */
    private record Outcome(String current, String basedOn, int conflicts, List<String> kept) {
    }

    private static Outcome outcomeOf(String userId) {
        String[] current = Tables.rows(database, """
                SELECT m.content || '|' || coalesce(m.based_on::text, 'null') || '|' || m.conflicts
                FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '%s'""".formatted(userId))
                .get(0).split("\\|");
        List<String> kept = Tables.rows(database, """
                SELECT r.content || '|' || r.conflict || '|' || coalesce(r.based_on::text, 'null')
                FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = '%s' ORDER BY 1""".formatted(userId));
        return new Outcome(current[0], current[1], Integer.parseInt(current[2]), kept);
    }

    private static List<List<String>> permutations(List<String> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<String>> all = new ArrayList<>();
        for (String first : items) {
            List<String> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<String> tail : permutations(rest)) {
                List<String> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    /** conversation|message|content|revision|based_on|conflicts, in conversation and seq order. */
    private static List<String> messagesOf(String userId) {
        return Tables.rows(database, """
                SELECT c.conversation_id || '|' || m.message_id || '|' || m.content || '|' || m.revision || '|'
                       || coalesce(m.based_on::text, 'null') || '|' || m.conflicts
                FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '%s'
                ORDER BY c.conversation_id, m.seq""".formatted(userId));
    }

    /** conversation|message|revision|content|conflict|based_on, by revision. */
    private static List<String> revisionsOf(String userId) {
        return Tables.rows(database, """
                SELECT c.conversation_id || '|' || r.message_id || '|' || r.revision || '|' || r.content || '|' || r.conflict || '|'
                       || coalesce(r.based_on::text, 'null')
                FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = '%s'
                ORDER BY c.conversation_id, r.message_id, r.revision""".formatted(userId));
    }

    /** A user's rows in every table, without surrogate keys, sequence values and stamps. */
    private static List<List<String>> stateOf(String userId) {
        return List.of(
                Tables.rows(database, "SELECT conversation_id, persona_id, title, created_at, updated_at FROM conversations WHERE user_id = '%s' ORDER BY 1"
                        .formatted(userId)),
                Tables.rows(database, """
                        SELECT c.conversation_id, m.message_id, m.role, m.content, m.revision, m.based_on, m.conflicts, m.created_at, m.updated_at
                        FROM messages m JOIN conversations c ON c.id = m.conversation_pk WHERE c.user_id = '%s' ORDER BY 1, m.seq""".formatted(userId)),
                Tables.rows(database, """
                        SELECT c.conversation_id, r.message_id, r.revision, r.content, r.conflict, r.based_on, r.stored_at, r.replaced_at
                        FROM message_revisions r JOIN conversations c ON c.id = r.conversation_pk WHERE c.user_id = '%s' ORDER BY 1, 2, 3""".formatted(userId)),
                Tables.rows(database, "SELECT conversation_id, deleted_at, message_ids FROM conversation_tombstones WHERE user_id = '%s' ORDER BY 1"
                        .formatted(userId)),
                Tables.rows(database, "SELECT day, message_count FROM rate_limits WHERE user_id = '%s' ORDER BY 1".formatted(userId)));
    }

    private static Map<String, List<String>> dumpWithoutOffsets() {
        Map<String, List<String>> dump = Tables.dump(database);
        dump.remove("kafka_offsets");
        return dump;
    }

    /** The 32-bit id of the transaction that wrote the last batch: the xmin of the row it advanced. */
    private static String lastBatchXid() {
        return Tables.rows(database, "SELECT xmin FROM kafka_offsets").get(0);
    }
}
