package dev.chatsync.benchmarks.race;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;

import dev.chatsync.benchmarks.jvm.ProjectClasspath;
import dev.chatsync.benchmarks.race.Workload.Row;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The Debezium JDBC sink connector in Kafka Connect standalone, in a JVM of its own, with the classpath
 * the modules connect-worker and connect-debezium-jdbc resolved outside Spring Boot's BOM: Connect's on
 * the worker's classpath, the connector's on its plugin.path, which Connect loads in a class loader of
 * its own. It writes into a flat messages table, one row per message, keyed as the events are.
 */
final class DebeziumSink implements AutoCloseable {

    // Searchable as the project's messages are (migration V4's generated column, V8's index by user and
    // words): a sink that stored messages no search could find would be compared on less work.
    static final String TABLE = """
            CREATE TABLE messages (
                conversation_id text        NOT NULL,
                message_id      text        NOT NULL,
                user_id         text        NOT NULL,
                role            text        NOT NULL,
                content         text        NOT NULL,
                created_at      timestamptz NOT NULL,
                updated_at      timestamptz NOT NULL,
                search_vector   tsvector    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED,
                PRIMARY KEY (conversation_id, message_id)
            );
            CREATE EXTENSION IF NOT EXISTS btree_gin;
            CREATE INDEX messages_search ON messages USING gin (user_id, search_vector);
            """;

    private static final String STORED = """
            SELECT count(*) FROM messages m JOIN unnest(?::text[], ?::text[]) AS w(conversation_id, message_id)
              ON m.conversation_id = w.conversation_id AND m.message_id = w.message_id
            """;

    private static final String CREATED_AT = """
            SELECT created_at FROM messages WHERE conversation_id = ? AND message_id = ?
            """;

    private static final String WRITTEN = """
            SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'messages'
            """;

    private static final String TASK_FAILED = "Task threw an uncaught and unrecoverable exception";

    // the lines of the worker's log that say which versions it loaded
    private static final Pattern VERSIONS = Pattern.compile(
            "Kafka version|Loading plugin from: /|Instantiated connector|Hibernate ORM core version|Using dialect|ERROR");

    private final SinkProcess process;
    private final TestPostgres.Database database;
    private final String groupId;

    private DebeziumSink(SinkProcess process, TestPostgres.Database database, String groupId) {
        this.process = process;
        this.database = database;
        this.groupId = groupId;
    }

    static void createTable(TestPostgres.Database database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(TABLE);
        }
    }

    /** @param writeTo where the sink writes: {@code database} itself or a proxy in front of it */
    static DebeziumSink start(TestPostgres.Database database, TestPostgres.Database writeTo, String topic, String name, RaceSettings settings)
            throws IOException {
        Path work = Path.of(System.getProperty("race.workDir", "target/race"));
        Files.createDirectories(work);
        Path worker = work.resolve(name + "-worker.properties");
        Files.writeString(worker, String.join("\n",
                "bootstrap.servers=" + TestKafka.shared().bootstrapServers(),
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable=true",
                "value.converter.schemas.enable=true",
                "offset.storage.file.filename=" + work.resolve(name + ".offsets").toAbsolutePath(),
                "plugin.path=" + required("race.pluginPath"),
                "listeners=http://127.0.0.1:0",
                // one poll fills one batch of the sink
                "consumer.max.poll.records=" + settings.sinkBatch(),
                ""));
        Path sink = work.resolve(name + "-sink.properties");
        Files.writeString(sink, String.join("\n",
                "name=" + name,
                "connector.class=io.debezium.connector.jdbc.JdbcSinkConnector",
                "tasks.max=" + settings.sinkTasks(),
                "topics=" + topic,
                "connection.url=" + writeTo.jdbcUrl() + "?reWriteBatchedInserts=true",
                "connection.username=" + database.username(),
                "connection.password=" + database.password(),
                "insert.mode=upsert",
                "primary.key.mode=record_key",
                "delete.enabled=false",
                "schema.evolution=none",
                "collection.name.format=messages",
                "batch.size=" + settings.sinkBatch(),
                // its UNNEST writer drops the milliseconds of timestamptz values (issue 15)
                "dialect.postgres.unnest.insert.enabled=false",
                "use.time.zone=UTC",
                ""));
        List<String> command = List.of(ProjectClasspath.java(),
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", required("race.workerClasspath") + File.separator + "*",
                "org.apache.kafka.connect.cli.ConnectStandalone", worker.toString(), sink.toString());
        return new DebeziumSink(SinkProcess.start(command, work.resolve(name + ".log").toFile()), database, "connect-" + name);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || !new File(value).isDirectory()) {
            throw new IllegalStateException(property + " must name a directory the build made (" + value + "): run exec:java@race from "
                    + "the root with -pl benchmarks -am, as README says");
        }
        return value;
    }

    SinkProcess process() {
        return process;
    }

    String groupId() {
        return groupId;
    }

    /** How many of the rows are stored. */
    int stored(List<Row> rows) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(STORED)) {
            statement.setArray(1, connection.createArrayOf("text", rows.stream().map(Row::conversationId).toArray()));
            statement.setArray(2, connection.createArrayOf("text", rows.stream().map(Row::messageId).toArray()));
            try (ResultSet count = statement.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        }
    }

    /** When the stored row says the message was created: the workload's, to the millisecond, or the race is off. */
    Instant createdAt(Row row) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(CREATED_AT)) {
            statement.setString(1, row.conversationId());
            statement.setString(2, row.messageId());
            try (ResultSet stored = statement.executeQuery()) {
                stored.next();
                return stored.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
    }

    /** Rows written so far (inserted or rewritten), from the statistics, which lag by up to a second. */
    long written() throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(WRITTEN)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Whether the worker runs and none of its tasks failed (a failed task leaves the worker running, idle). */
    boolean healthy() {
        if (!process.alive()) {
            return false;
        }
        try {
            return !Files.readString(process.log().toPath()).contains(TASK_FAILED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void checkHealthy() {
        if (!healthy()) {
            throw new IllegalStateException("the Debezium sink stopped or a task failed; see " + process.log());
        }
    }

    /** The worker's log lines that name the versions it loaded. */
    List<String> versionLines() throws IOException {
        return Files.readAllLines(process.log().toPath()).stream().filter(line -> VERSIONS.matcher(line).find())
                .map(line -> line.contains(" - ") ? line.substring(line.indexOf(" - ") + 3) : line).distinct().toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
