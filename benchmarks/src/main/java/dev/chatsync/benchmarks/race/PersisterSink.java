package dev.chatsync.benchmarks.race;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.chatsync.benchmarks.jvm.ProjectClasspath;
import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.persister.PersisterApplication;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.testsupport.HttpGet;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;

/** The persister as operators run it, in a JVM of its own, and what it says about itself. */
final class PersisterSink implements AutoCloseable {

    private static final Pattern STAGE = Pattern.compile("(?m)^chatsync_persister_stage_seconds_(sum|count)\\{[^}]*stage=\"([a-z-]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern RECORDS = Pattern.compile("(?m)^chatsync_persister_records_total\\{[^}]*outcome=\"([a-z-]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern INGEST_ONLY = Pattern.compile("spring-security-|spring-boot-security|spring-boot-starter-security|[/\\\\]ingest-api[/\\\\]");
    private static final Pattern BATCHES = Pattern.compile("(?m)^chatsync_persister_batches_total(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    // the race's topic only
    private static final String APPLIED = """
            SELECT coalesce(sum(next_offset), 0) FROM kafka_offsets WHERE topic = ?
            """;

    private final SinkProcess process;
    private final int port;
    private final TestPostgres.Database database;
    private final String topic;
    private final Path scrape;

    private PersisterSink(SinkProcess process, int port, TestPostgres.Database database, String topic, Path scrape) {
        this.process = process;
        this.port = port;
        this.database = database;
        this.topic = topic;
        this.scrape = scrape;
    }

    /** @param writeTo where the persister writes: {@code database} itself or a proxy in front of it */
    static PersisterSink start(TestPostgres.Database database, TestPostgres.Database writeTo, String topic, String groupId,
                               RaceSettings settings, String logName) throws IOException {
        int port = freePort();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("DATABASE_URL", writeTo.databaseUrl());
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
        List<String> command = new ArrayList<>(List.of(ProjectClasspath.java()));
        settings.persisterJvm().forEach(option -> command.add(option.replace("{phase}", logName)));
        command.addAll(List.of("-cp", classpath(), PersisterApplication.class.getName()));
        command.addAll(List.of(CommandLine.arguments(properties)));
        Path work = Path.of(System.getProperty("race.workDir", "target/race"));
        return new PersisterSink(SinkProcess.start(command, work.resolve(logName + ".log").toFile()), port, database, topic,
                work.resolve(logName + "-prometheus.txt"));
    }

    SinkProcess process() {
        return process;
    }

    /** Records applied so far, over all partitions: the sum of the positions it committed with the rows. */
    long applied() throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(APPLIED)) {
            statement.setString(1, topic);
            try (ResultSet sum = statement.executeQuery()) {
                sum.next();
                return sum.getLong(1);
            }
        }
    }

    /** Its meters, read from its Prometheus scrape, which is kept beside its log. */
    Meters meters() throws IOException {
        HttpResponse<String> response = HttpGet.get("http://127.0.0.1:" + port + "/actuator/prometheus", Duration.ofSeconds(10));
        String text = response.body();
        Files.writeString(scrape, text);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the persister's scrape answered " + response.statusCode() + "; see " + scrape);
        }
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

        /** What was counted after {@code earlier}, a reading of the same process. */
        Meters since(Meters earlier) {
            return new Meters(minus(seconds, earlier.seconds), minus(calls, earlier.calls), minus(records, earlier.records),
                    batches - earlier.batches);
        }

        private static <K> Map<K, Double> minus(Map<K, Double> later, Map<K, Double> earlier) {
            Map<K, Double> difference = new LinkedHashMap<>(later);
            earlier.forEach((key, value) -> difference.merge(key, -value, Double::sum));
            return difference;
        }
    }

    private static Stage byTag(String tag) {
        for (Stage stage : Stage.values()) {
            if (stage.tag().equals(tag)) {
                return stage;
            }
        }
        throw new IllegalStateException("unknown stage " + tag);
    }

    // The benchmarks' classpath less the ingest-api and its Spring Security, which would lock the persister's
    // actuator (a 401 on the scrape) and which the persister's own classpath does not have.
    private static String classpath() {
        return Arrays.stream(ProjectClasspath.of().split(File.pathSeparator))
                .filter(entry -> !INGEST_ONLY.matcher(entry).find())
                .collect(Collectors.joining(File.pathSeparator));
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
