package dev.chatsync.benchmarks.race;

import java.nio.charset.StandardCharsets;

import dev.chatsync.benchmarks.race.RaceTopics.Encoded;
import dev.chatsync.benchmarks.race.Workload.Row;

/**
 * A row as Kafka Connect's JsonConverter (schemas enabled) reads it: the key, the primary key of the
 * sink's flat table, and the value, the rest of the row. Timestamps are Debezium's ZonedTimestamp, which
 * its Postgres dialect binds as timestamptz with the milliseconds kept.
 */
final class DebeziumJson {

    private static final String KEY_SCHEMA = """
            {"type":"struct","optional":false,"name":"chatsync.race.MessageKey","fields":[\
            {"field":"conversation_id","type":"string","optional":false},\
            {"field":"message_id","type":"string","optional":false}]}""";

    private static final String VALUE_SCHEMA = """
            {"type":"struct","optional":false,"name":"chatsync.race.Message","fields":[\
            {"field":"user_id","type":"string","optional":false},\
            {"field":"role","type":"string","optional":false},\
            {"field":"content","type":"string","optional":false},\
            {"field":"created_at","type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1},\
            {"field":"updated_at","type":"string","optional":false,"name":"io.debezium.time.ZonedTimestamp","version":1}]}""";

    private DebeziumJson() {
    }

    static Encoded record(Row row) {
        String key = "{\"schema\":" + KEY_SCHEMA + ",\"payload\":{\"conversation_id\":" + quoted(row.conversationId())
                + ",\"message_id\":" + quoted(row.messageId()) + "}}";
        String at = quoted(row.acceptedAt().toString());
        String value = "{\"schema\":" + VALUE_SCHEMA + ",\"payload\":{\"user_id\":" + quoted(row.userId())
                + ",\"role\":" + quoted(row.role().name()) + ",\"content\":" + quoted(Workload.content(row.contentSeed()))
                + ",\"created_at\":" + at + ",\"updated_at\":" + at + "}}";
        return new Encoded(row, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    // The workload's strings are ASCII words, ids and ISO instants: nothing JSON escapes but these two.
    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
