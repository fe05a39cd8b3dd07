package dev.chatsync.benchmarks.race;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.flywaydb.core.Flyway;

import dev.chatsync.benchmarks.race.PersisterSink.Meters;
import dev.chatsync.benchmarks.race.Workload.Resent;
import dev.chatsync.benchmarks.race.Workload.Row;
import dev.chatsync.persister.metrics.Stage;
import dev.chatsync.testsupport.TcpProxy;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The persister against the Debezium JDBC sink and against COPY, on one broker and one Postgres: the
 * same logical rows, each system into a fresh database, a CHECKPOINT before each timed phase, the order
 * of the systems alternating from round to round. Each sink runs in a JVM of its own; its clock runs from
 * its consumer group holding every partition until it stored the last record of every partition. Not a
 * test: {@code exec:java@race} (README, Benchmarks); the sizes are {@link RaceSettings}.
 */
public final class RaceBenchmark {

    private static final String NEW = "new messages";
    private static final String RESYNC = "re-sync (95% unchanged)";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final RaceSettings settings;
    private final Progress progress;
    private final Workload workload;
    private final List<Resent> resync;
    private final RaceTopics topics;
    private final Path work = Path.of(System.getProperty("race.workDir", "target/race"));
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<String> stageReports = new ArrayList<>();
    private PostgresServer postgres;
    private TcpProxy proxy;
    private CopyReference copy;
    private List<String> debeziumVersions = List.of();

    private RaceBenchmark(RaceSettings settings) {
        this.settings = settings;
        this.progress = new Progress(settings.progressSeconds());
        this.workload = new Workload(settings);
        this.resync = workload.resync();
        this.topics = new RaceTopics(workload, resync, settings.partitions());
    }

    public static void main(String[] args) {
        // exit explicitly: the embedded broker's threads would keep exec:java waiting forever
        try {
            new RaceBenchmark(RaceSettings.fromSystemProperties()).run();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private void run() throws Exception {
        progress.say("race: %s", settings.describe());
        postgres = PostgresServer.of(TestPostgres.shared().newDatabase("race_server"));
        if (settings.postgresRoundTrip() > 0) {
            proxy = new TcpProxy(TestPostgres.shared().host(), TestPostgres.shared().port(), Duration.ofMillis(settings.postgresRoundTrip()));
        }
        topics.fill(progress);
        copy = CopyReference.prepare(workload, settings, work, progress);
        progress.say("topics filled, COPY's rows written");
        for (int round = 1; round <= settings.rounds(); round++) {
            List<String> order = new ArrayList<>(RaceSettings.ALL_SYSTEMS);
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            order.removeIf(system -> !settings.races(system));
            progress.say("round %d of %d: %s", round, settings.rounds(), String.join(", ", order));
            for (String system : order) {
                switch (system) {
                    case "COPY" -> raceCopy(round);
                    case "persister" -> racePersister(round);
                    default -> raceDebezium(round);
                }
            }
        }
        printResults();
    }

    private void raceCopy(int round) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_copy_" + round);
        migrate(database);
        copy.setUp(database);
        try (Connection connection = writeTo(database).connect()) {
            PostgresServer.Sample before = postgres.checkpointAndSample(database, progress);
            long started = System.nanoTime();
            long rows = copy.copy(connection);
            double seconds = seconds(started);
            PostgresServer.Sample after = postgres.sample(database);
            record(new Measurement(round, "COPY", NEW, rows, seconds, null, after.cpu().minus(before.cpu()),
                    after.walBytes() - before.walBytes(), PostgresServer.indexesOnMessages(database)));
        }
        postgres.drop(database);
    }

    private void racePersister(int round) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_persister_" + round);
        migrate(database);
        persisterPhase(round, NEW, database, topics.persisterNew, workload.newMessages());
        persisterPhase(round, RESYNC, database, topics.persisterResync, resync.size());
        postgres.drop(database);
    }

    private void persisterPhase(int round, String phase, TestPostgres.Database database, String topic, long events) throws Exception {
        String group = "race-persister-" + round + "-" + (phase.equals(NEW) ? "new" : "resync");
        postgres.checkpointAndSample(database, progress);
        try (PersisterSink persister = PersisterSink.start(database, writeTo(database), topic, group, settings, group);
             ConsumerGroups groups = new ConsumerGroups()) {
            SinkProcess process = persister.process();
            groups.awaitAssigned(group, settings.partitions(), START_TIMEOUT, process::alive);
            PostgresServer.Sample before = postgres.sample(database);
            Duration cpuBefore = process.cpu();
            long started = System.nanoTime();
            long applied;
            while ((applied = persister.applied()) < events) {
                process.checkAlive();
                long done = applied;
                progress.maybe(() -> String.format(Locale.ROOT, "  round %d persister %s: %,d of %,d events, %,.0f/s",
                        round, phase, done, events, done / seconds(started)));
                Thread.sleep(50);
            }
            double seconds = seconds(started);
            Duration sinkCpu = process.cpu().minus(cpuBefore);
            PostgresServer.Sample after = postgres.sample(database);
            Meters meters = persister.meters();
            record(new Measurement(round, "persister", phase, events, seconds, sinkCpu, after.cpu().minus(before.cpu()),
                    after.walBytes() - before.walBytes(), PostgresServer.indexesOnMessages(database)));
            stageReports.add(stages(round, phase, events, seconds, meters));
            System.out.println(stageReports.get(stageReports.size() - 1));
        }
    }

    private void raceDebezium(int round) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_debezium_" + round);
        DebeziumSink.createTable(database);
        debeziumPhase(round, NEW, database, topics.sinkNew, workload.newMessages(), workload.lastNewMessages());
        debeziumPhase(round, RESYNC, database, topics.sinkResync, resync.size(), Workload.closingMessages(resync, settings.partitions()));
        postgres.drop(database);
    }

    private void debeziumPhase(int round, String phase, TestPostgres.Database database, String topic, long events, List<Row> lastRows)
            throws Exception {
        String name = "race-debezium-" + round + "-" + (phase.equals(NEW) ? "new" : "resync");
        postgres.checkpointAndSample(database, progress);
        try (DebeziumSink sink = DebeziumSink.start(database, writeTo(database), topic, name, settings); ConsumerGroups groups = new ConsumerGroups()) {
            SinkProcess process = sink.process();
            groups.awaitAssigned(sink.groupId(), settings.partitions(), START_TIMEOUT, sink::healthy);
            PostgresServer.Sample before = postgres.sample(database);
            long writtenBefore = sink.written();
            Duration cpuBefore = process.cpu();
            long started = System.nanoTime();
            int checks = 0;
            while (sink.stored(lastRows) < lastRows.size()) {
                if (++checks % 20 == 0) {
                    sink.checkHealthy();
                }
                progress.maybe(() -> {
                    try {
                        long done = sink.written() - writtenBefore;
                        return String.format(Locale.ROOT, "  round %d Debezium %s: ~%,d of %,d rows written, ~%,.0f/s",
                                round, phase, done, events, done / seconds(started));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(50);
            }
            double seconds = seconds(started);
            Duration sinkCpu = process.cpu().minus(cpuBefore);
            PostgresServer.Sample after = postgres.sample(database);
            record(new Measurement(round, "Debezium", phase, events, seconds, sinkCpu, after.cpu().minus(before.cpu()),
                    after.walBytes() - before.walBytes(), PostgresServer.indexesOnMessages(database)));
            Row last = lastRows.get(lastRows.size() - 1);
            if (!sink.createdAt(last).equals(last.acceptedAt())) {
                throw new IllegalStateException("the Debezium sink stored " + last.messageId() + " as created " + sink.createdAt(last)
                        + ", not " + last.acceptedAt());
            }
            if (debeziumVersions.isEmpty()) {
                debeziumVersions = sink.versionLines();
            }
        }
    }

    /** The database as the system under test reaches it: through the proxy when round trips are delayed. */
    private TestPostgres.Database writeTo(TestPostgres.Database database) {
        return proxy == null ? database
                : new TestPostgres.Database("127.0.0.1", proxy.port(), database.name(), database.username(), database.password());
    }

    private void record(Measurement measurement) {
        measurements.add(measurement);
        progress.say("%s", measurement.line(null));
    }

    private static String stages(int round, String phase, long events, double seconds, Meters meters) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "round %d  persister %s, per stage (summed over its consumers; wall %.2f s): %,.0f batches, records %s%n",
                round, phase, seconds, meters.batches(), meters.records()));
        double total = 0;
        for (Stage stage : Stage.values()) {
            double stageSeconds = meters.seconds().getOrDefault(stage, 0.0);
            total += stageSeconds;
            out.append(String.format(Locale.ROOT, "    %-16s %8.3f s  %7.1f µs/event  %,8.0f calls%n",
                    stage.tag(), stageSeconds, stageSeconds * 1e6 / events, meters.calls().getOrDefault(stage, 0.0)));
        }
        out.append(String.format(Locale.ROOT, "    %-16s %8.3f s  %7.1f µs/event", "all stages", total, total * 1e6 / events));
        return out.toString();
    }

    private void printResults() {
        System.out.printf(Locale.ROOT, "%nRESULTS (%s)%n", settings.describe());
        for (Measurement m : measurements) {
            System.out.println(m.line(m.phase().equals(NEW) && !m.system().equals("COPY") && settings.races("COPY") ? copyRate(m.round()) : null));
        }
        System.out.println();
        for (int round = 1; round <= settings.rounds() && settings.systems().containsAll(RaceSettings.ALL_SYSTEMS); round++) {
            Measurement persisterNew = find(round, "persister", NEW);
            Measurement persisterResync = find(round, "persister", RESYNC);
            Measurement debeziumNew = find(round, "Debezium", NEW);
            Measurement debeziumResync = find(round, "Debezium", RESYNC);
            System.out.printf(Locale.ROOT, "round %d  persister / Debezium: new messages %.2fx, re-sync %.2fx;  persister re-sync / its new "
                            + "messages %.2fx;  persister / COPY %.0f %%%n", round, persisterNew.rate() / debeziumNew.rate(),
                    persisterResync.rate() / debeziumResync.rate(), persisterResync.rate() / persisterNew.rate(),
                    100 * persisterNew.rate() / copyRate(round));
        }
        System.out.println();
        stageReports.forEach(System.out::println);
        System.out.println();
        System.out.println("Debezium worker, versions loaded (its log):");
        debeziumVersions.forEach(line -> System.out.println("  " + line));
    }

    private double copyRate(int round) {
        return find(round, "COPY", NEW).rate();
    }

    private Measurement find(int round, String system, String phase) {
        return measurements.stream().filter(m -> m.round() == round && m.system().equals(system) && m.phase().equals(phase))
                .findFirst().orElseThrow();
    }

    private static void migrate(TestPostgres.Database database) {
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
