package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;

/**
 * The persister's position per partition in kafka_offsets, read and written inside the batch's
 * transaction. Rows are locked until commit, which also fences a consumer that lost its partition in a
 * rebalance but still holds a batch: it waits, then finds the records already applied and skips them.
 */
final class KafkaOffsets {

    // DO UPDATE rather than DO NOTHING: it locks an existing row and returns it in the same round trip.
    private static final String LOCK = """
            INSERT INTO kafka_offsets AS o (topic_id, partition, topic, next_offset)
            SELECT ?, p, ?, 0 FROM unnest(?::int4[]) AS p
            ON CONFLICT (topic_id, partition) DO UPDATE SET topic = excluded.topic
            RETURNING o.partition, o.next_offset
            """;

    private static final String ADVANCE = """
            UPDATE kafka_offsets o SET next_offset = n.next_offset, updated_at = now()
            FROM unnest(?::int4[], ?::int8[]) AS n(partition, next_offset)
            WHERE o.topic_id = ? AND o.partition = n.partition AND o.next_offset < n.next_offset
            """;

    private KafkaOffsets() {
    }

    /** Locks the partitions' rows (sorted, so instances never deadlock) and returns their next offsets. */
    static Map<Integer, Long> lock(Connection connection, UUID topicId, String topic, SortedSet<Integer> partitions) throws SQLException {
        Map<Integer, Long> next = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
            statement.setObject(1, topicId);
            statement.setString(2, topic);
            statement.setArray(3, PgArrays.int4(connection, partitions, partition -> partition));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    next.put(rows.getInt(1), rows.getLong(2));
                }
            }
        }
        return next;
    }

    static void advance(Connection connection, UUID topicId, SortedMap<Integer, Long> nextOffsets) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ADVANCE)) {
            statement.setArray(1, PgArrays.int4(connection, nextOffsets.entrySet(), Map.Entry::getKey));
            statement.setArray(2, PgArrays.int8(connection, nextOffsets.entrySet(), Map.Entry::getValue));
            statement.setObject(3, topicId);
            statement.executeUpdate();
        }
    }
}
