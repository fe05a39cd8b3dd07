package dev.chatsync.ingest.synctoken;

import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.chatsync.events.EventsTopic;

/** The persister's next offset per partition of the events topic: every record below it is committed in Postgres. */
@Component
class CommittedOffsets {

    // The newest row per partition rather than the largest offset: a topic deleted and created again
    // under its name (a new topic id, offsets from 0) leaves its old rows behind, and those would
    // declare every new token committed at once.
    private static final String NEXT_OFFSETS = """
            SELECT DISTINCT ON (partition) partition, next_offset
              FROM kafka_offsets
             WHERE topic = :topic
             ORDER BY partition, updated_at DESC
            """;

    private final JdbcClient jdbc;
    private final String topic;

    CommittedOffsets(JdbcClient jdbc, EventsTopic topic) {
        this.jdbc = jdbc;
        this.topic = topic.topic();
    }

    /** Partition to next offset; a partition the persister never wrote is absent. */
    Map<Integer, Long> read() {
        Map<Integer, Long> next = new HashMap<>();
        jdbc.sql(NEXT_OFFSETS).param("topic", topic).query(row -> {
            next.put(row.getInt("partition"), row.getLong("next_offset"));
        });
        return next;
    }
}
