package dev.chatsync.benchmarks.race;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * The persister against the Debezium JDBC sink and against COPY (one stream, and as many at once as the
 * persister has consumers), on one broker and one Postgres: the same logical rows, each system into a
 * fresh database, a CHECKPOINT before each timed phase, the order of the systems alternating from round
 * to round. Each sink runs in a JVM of its own that serves all its phases, as a running sink would: it
 * stores a warm-up first (a JVM started for a phase of a few seconds spent much of it compiling), then
 * each timed phase's records are appended to its topic while its writes are held, and its clock runs
 * from the end of the hold until it stored the last record of every partition. Not a test:
 * {@code exec:java@race} (README, Benchmarks); the sizes are {@link RaceSettings}.
 */
public final class RaceBenchmark {

    private static final String NEW = "new messages";
    private static final String RESYNC = "re-sync (95% unchanged)";
    private static final String WARM_UP = "warm-up";
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
        List<String> sinkTopics = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            sinkTopics.addAll(List.of(persisterName(round), debeziumName(round)));
        }
        topics.create(sinkTopics);
        copy = CopyReference.prepare(workload, settings, settings.copyStreams(), work, progress);
        progress.say("COPY's rows written");
        for (int round = 1; round <= settings.rounds(); round++) {
            List<String> order = new ArrayList<>(RaceSettings.ALL_SYSTEMS);
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            order.removeIf(system -> !settings.races(system));
            progress.say("round %d of %d: %s", round, settings.rounds(), String.join(", ", order));
            for (String system : order) {
                switch (system) {
                    case RaceSettings.COPY -> raceCopy(round, system, 1);
                    case RaceSettings.PARALLEL_COPY -> raceCopy(round, system, settings.copyStreams());
                    case "persister" -> racePersister(round);
                    default -> raceDebezium(round);
                }
            }
        }
        printResults();
    }

    private void raceCopy(int round, String system, int streams) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_copy_" + streams + "_" + round);
        migrate(database);
        copy.setUp(database);
        List<Connection> connections = new ArrayList<>();
        try {
            for (int stream = 0; stream < streams; stream++) {
                connections.add(writeTo(database).connect());
            }
            postgres.checkpointAndSample(database, progress);
            Clock clock = Clock.start(postgres, database, null);
            long rows = copy.copy(connections);
            record(clock.stop(round, system, NEW, rows));
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
        postgres.drop(database);
    }

    private void racePersister(int round) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_persister_" + round);
        migrate(database);
        String name = persisterName(round);
        int warmUp = workload.warmUp();
        int newMessages = workload.newMessages();
        topics.publishNewMessages(name, RaceTopics.Format.AVRO, 0, warmUp, progress);
        try (PersisterSink persister = PersisterSink.start(database, writeTo(database), name, name, settings, name);
             ConsumerGroups groups = new ConsumerGroups()) {
            SinkProcess process = persister.process();
            groups.awaitAssigned(name, settings.partitions(), START_TIMEOUT, process::alive);
            awaitPersister(round, WARM_UP, persister, 0, warmUp, Clock.start(postgres, database, process));
            Meters before = persister.meters();

            Clock clock = heldUntilPublished(database, process,
                    () -> topics.publishNewMessages(name, RaceTopics.Format.AVRO, warmUp, newMessages, progress));
            awaitPersister(round, NEW, persister, warmUp, newMessages - warmUp, clock);
            Measurement measured = record(clock.stop(round, "persister", NEW, newMessages - warmUp));
            Meters afterNew = persister.meters();
            stageReport(measured, afterNew.since(before));

            clock = heldUntilPublished(database, process, () -> topics.publishResync(name, RaceTopics.Format.AVRO, progress));
            awaitPersister(round, RESYNC, persister, newMessages, resync.size(), clock);
            measured = record(clock.stop(round, "persister", RESYNC, resync.size()));
            stageReport(measured, persister.meters().since(afterNew));
        }
        postgres.drop(database);
    }

    /** The persister's topic, consumer group and log in a round. */
    private static String persisterName(int round) {
        return "race-persister-" + round;
    }

    /** The Debezium sink's topic, connector and log in a round. */
    private static String debeziumName(int round) {
        return "race-debezium-" + round;
    }

    private void awaitPersister(int round, String phase, PersisterSink persister, long appliedBefore, long events, Clock clock)
            throws Exception {
        long applied;
        while ((applied = persister.applied() - appliedBefore) < events) {
            persister.process().checkAlive();
            long done = applied;
            progress.maybe(() -> String.format(Locale.ROOT, "  round %d persister %s: %,d of %,d events, %,.0f/s",
                    round, phase, done, events, done / clock.seconds()));
            Thread.sleep(50);
        }
    }

    private void stageReport(Measurement measured, Meters meters) {
        stageReports.add(stages(measured.round(), measured.phase(), measured.events(), measured.seconds(), meters));
        System.out.println(stageReports.get(stageReports.size() - 1));
    }

    private void raceDebezium(int round) throws Exception {
        TestPostgres.Database database = TestPostgres.shared().newDatabase("race_debezium_" + round);
        DebeziumSink.createTable(database);
        String name = debeziumName(round);
        int warmUp = workload.warmUp();
        int newMessages = workload.newMessages();
        topics.publishNewMessages(name, RaceTopics.Format.JSON, 0, warmUp, progress);
        try (DebeziumSink sink = DebeziumSink.start(database, writeTo(database), name, name, settings); ConsumerGroups groups = new ConsumerGroups()) {
            SinkProcess process = sink.process();
            groups.awaitAssigned(sink.groupId(), settings.partitions(), START_TIMEOUT, sink::healthy);
            awaitDebezium(round, WARM_UP, sink, workload.lastNewMessages(warmUp), warmUp, Clock.start(postgres, database, process));

            Clock clock = heldUntilPublished(database, process,
                    () -> topics.publishNewMessages(name, RaceTopics.Format.JSON, warmUp, newMessages, progress));
            List<Row> lastNew = workload.lastNewMessages(newMessages);
            awaitDebezium(round, NEW, sink, lastNew, newMessages - warmUp, clock);
            record(clock.stop(round, "Debezium", NEW, newMessages - warmUp));
            Row last = lastNew.get(lastNew.size() - 1);
            if (!sink.createdAt(last).equals(last.acceptedAt())) {
                throw new IllegalStateException("the Debezium sink stored " + last.messageId() + " as created " + sink.createdAt(last)
                        + ", not " + last.acceptedAt());
            }

            clock = heldUntilPublished(database, process, () -> topics.publishResync(name, RaceTopics.Format.JSON, progress));
            awaitDebezium(round, RESYNC, sink, Workload.closingMessages(resync, settings.partitions()), resync.size(), clock);
            record(clock.stop(round, "Debezium", RESYNC, resync.size()));
            if (debeziumVersions.isEmpty()) {
                debeziumVersions = sink.versionLines();
            }
        }
        postgres.drop(database);
    }

    private void awaitDebezium(int round, String phase, DebeziumSink sink, List<Row> lastRows, long events, Clock clock) throws Exception {
        long writtenBefore = sink.written();
        int checks = 0;
        while (sink.stored(lastRows) < lastRows.size()) {
            if (++checks % 20 == 0) {
                sink.checkHealthy();
            }
            progress.maybe(() -> {
                try {
                    long done = sink.written() - writtenBefore;
                    return String.format(Locale.ROOT, "  round %d Debezium %s: ~%,d of %,d rows written, ~%,.0f/s",
                            round, phase, done, events, done / clock.seconds());
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(50);
        }
    }

    /**
     * The next phase's records appended to the sink's topic while its writes into messages are held, after a
     * CHECKPOINT and autovacuum of what it stored before; the clock starts as the hold ends.
     */
    private Clock heldUntilPublished(TestPostgres.Database database, SinkProcess process, Runnable publish) throws Exception {
        postgres.checkpointAndSample(database, progress);
        try (HeldWrites held = HeldWrites.hold(database)) {
            publish.run();
            return Clock.start(postgres, database, process);
        }
    }

    /**
     * A timed phase of one system: its wall time and what its sink's JVM ({@code process}, null for COPY,
     * which has none), Postgres and the race's JVM spent meanwhile.
     */
    private record Clock(PostgresServer postgres, TestPostgres.Database database, SinkProcess process, PostgresServer.Sample before,
                         Duration cpuBefore, Duration raceBefore, long startedNanos) {

        static Clock start(PostgresServer postgres, TestPostgres.Database database, SinkProcess process) throws SQLException {
            return new Clock(postgres, database, process, postgres.sample(database), process == null ? null : process.cpu(), raceCpu(),
                    System.nanoTime());
        }

        double seconds() {
            return RaceBenchmark.seconds(startedNanos);
        }

        Measurement stop(int round, String system, String phase, long events) throws SQLException {
            double seconds = seconds();
            Duration sinkCpu = process == null ? null : process.cpu().minus(cpuBefore);
            Duration race = raceCpu().minus(raceBefore);
            PostgresServer.Sample after = postgres.sample(database);
            return new Measurement(round, system, phase, events, seconds, sinkCpu, after.cpu().minus(before.cpu()), race,
                    after.walBytes() - before.walBytes(), PostgresServer.indexesOnMessages(database));
        }
    }

    /** The database as the system under test reaches it: through the proxy when round trips are delayed. */
    private TestPostgres.Database writeTo(TestPostgres.Database database) {
        return proxy == null ? database
                : new TestPostgres.Database("127.0.0.1", proxy.port(), database.name(), database.username(), database.password());
    }

    private Measurement record(Measurement measurement) {
        measurements.add(measurement);
        progress.say("%s", measurement.line(Map.of()));
        return measurement;
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
            System.out.println(m.line(m.phase().equals(NEW) && !m.system().contains(RaceSettings.COPY) ? copyRates(m.round()) : Map.of()));
        }
        System.out.println();
        for (int round = 1; round <= settings.rounds() && settings.systems().containsAll(RaceSettings.ALL_SYSTEMS); round++) {
            Measurement persisterNew = find(round, "persister", NEW);
            Measurement persisterResync = find(round, "persister", RESYNC);
            Measurement debeziumNew = find(round, "Debezium", NEW);
            Measurement debeziumResync = find(round, "Debezium", RESYNC);
            Measurement parallelCopy = find(round, RaceSettings.PARALLEL_COPY, NEW);
            System.out.printf(Locale.ROOT, "round %d  persister / Debezium: new messages %.2fx, re-sync %.2fx;  persister re-sync / its new "
                            + "messages %.2fx;  persister / COPY %.0f %%, / parallel COPY %.0f %%;  parallel COPY / Debezium %.2fx "
                            + "(the most any writer stores in the project's table here)%n", round, persisterNew.rate() / debeziumNew.rate(),
                    persisterResync.rate() / debeziumResync.rate(), persisterResync.rate() / persisterNew.rate(),
                    100 * persisterNew.rate() / find(round, RaceSettings.COPY, NEW).rate(), 100 * persisterNew.rate() / parallelCopy.rate(),
                    parallelCopy.rate() / debeziumNew.rate());
        }
        System.out.println();
        stageReports.forEach(System.out::println);
        System.out.println();
        System.out.println("Debezium worker, versions loaded (its log):");
        debeziumVersions.forEach(line -> System.out.println("  " + line));
    }

    /** The rates of the COPYs raced in the round, by name. */
    private Map<String, Double> copyRates(int round) {
        Map<String, Double> rates = new LinkedHashMap<>();
        for (String copy : List.of(RaceSettings.COPY, RaceSettings.PARALLEL_COPY)) {
            measurements.stream().filter(m -> m.round() == round && m.system().equals(copy)).findFirst()
                    .ifPresent(m -> rates.put(copy, m.rate()));
        }
        return rates;
    }

    private Measurement find(int round, String system, String phase) {
        return measurements.stream().filter(m -> m.round() == round && m.system().equals(system) && m.phase().equals(phase))
                .findFirst().orElseThrow();
    }

    private static void migrate(TestPostgres.Database database) {
        Flyway.configure().dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration").load().migrate();
    }

    /** This JVM's CPU: the broker, the race's polling, COPY's reading. */
    private static Duration raceCpu() {
        return ProcessCpu.of(ProcessHandle.current().pid());
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
