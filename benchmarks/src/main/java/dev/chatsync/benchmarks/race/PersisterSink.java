package dev.chatsync.benchmarks.race;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.chatsync.benchmarks.jvm.ProjectClasspath;
import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.persister.PersisterApplication;
import dev.chatsync.persister.Tables;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.testsupport.HttpGet;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/** The persister as operators run it, in a JVM of its own, and what it says about itself. */
final class PersisterSink implements AutoCloseable {

    private static final Pattern STAGE = Pattern.compile("(?m)^chatsync_persister_stage_seconds_(sum|count)\\{[^}]*stage=\"([a-z-]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern RECORDS = Pattern.compile("(?m)^chatsync_persister_records_total\\{[^}]*outcome=\"([a-z-]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern BATCHES = Pattern.compile("(?m)^chatsync_persister_batches_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    private final SinkProcess process;
    private final int port;
    private final TestPostgres.Database database;

    private PersisterSink(SinkProcess process, int port, TestPostgres.Database database) {
        this.process = process;
        this.port = port;
        this.database = database;
    }

    static PersisterSink start(TestPostgres.Database database, String topic, String groupId, RaceSettings settings, String logName)
            throws IOException {
        int port = freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("DATABASE_URL", database.databaseUrl());
        properties.put("spring.kafka.bootstrap-servers", TestKafka.shared().bootstrapServers());
        properties.put("chatsync.events.topic", topic);
        properties.put("chatsync.persister.group-id", groupId);
        properties.put("chatsync.persister.concurrency", Integer.toString(settings.persisterConsumers()));
        properties.put("chatsync.persister.max-batch-size", Integer.toString(settings.persisterBatch()));
        properties.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(Math.max(2, settings.persisterConsumers())));
        // the events are accepted on fixed days that age with the calendar: start-up pruning must leave them
        properties.put("chatsync.changes.tombstone-retention", "36500d");
        // the ingest-api's springdoc shares the benchmarks' classpath; the persister has no API to describe
        properties.put("springdoc.api-docs.enabled", "false");
        properties.put("logging.level.root", "WARN");
        properties.put("server.port", Integer.toString(port));
        List<String> command = new ArrayList<>(List.of(ProjectClasspath.java(), "-cp", ProjectClasspath.of(), PersisterApplication.class.getName()));
        command.addAll(List.of(CommandLine.arguments(properties)));
        return new PersisterSink(SinkProcess.start(command, new File("target/race/" + logName + ".log")), port, database);
    }

    SinkProcess process() {
        return process;
    }

    /** Records applied so far, over all partitions: the sum of the positions it committed with the rows. */
    long applied() throws SQLException {
        return Tables.number(database, "SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets");
    }

    /** Its meters, read from its Prometheus scrape. */
    Meters meters() {
        HttpResponse<String> scrape = HttpGet.get("http://127.0.0.1:" + port + "/actuator/prometheus", Duration.ofSeconds(10));
        String text = scrape.body();
        Map<Stage, Double> seconds = new EnumMap<>(Stage.class);
        Map<Stage, Double> counts = new EnumMap<>(Stage.class);
        Matcher stage = STAGE.matcher(text);
        while (stage.find()) {
            Stage which = byTag(stage.group(2));
            (stage.group(1).equals("sum") ? seconds : counts).merge(which, Double.parseDouble(stage.group(3)), Double::sum);
        }
        Map<String, Double> records = new LinkedHashMap<>();
        Matcher outcome = RECORDS.matcher(text);
        while (outcome.find()) {
            records.merge(outcome.group(1), Double.parseDouble(outcome.group(2)), Double::sum);
        }
        Matcher batches = BATCHES.matcher(text);
        return new Meters(seconds, counts, records, batches.find() ? Double.parseDouble(batches.group(1)) : 0);
    }

    /** Seconds and calls per stage, records by outcome, batches committed. */
    record Meters(Map<Stage, Double> seconds, Map<Stage, Double> calls, Map<String, Double> records, double batches) {
    }

    private static Stage byTag(String tag) {
        for (Stage stage : Stage.values()) {
            if (stage.tag().equals(tag)) {
                return stage;
            }
        }
        throw new IllegalStateException("unknown stage " + tag);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
