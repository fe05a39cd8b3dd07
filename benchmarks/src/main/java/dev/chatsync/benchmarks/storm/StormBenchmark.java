package dev.chatsync.benchmarks.storm;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import dev.chatsync.benchmarks.jvm.ExitWhenDone;
import dev.chatsync.benchmarks.sync.Progress;
import dev.chatsync.ingest.TestJwks;

/**
 * The design's claim, measured: Kafka between the API and Postgres keeps chat latency apart from the
 * database's and absorbs the periodic sync bursts. chat-sync as it ships and the direct-write design it
 * replaces ({@link DirectWriteController}) take the same workload ({@link StormWorkload}) in the same
 * run, one after the other, each on a fresh database behind a proxy adding each of
 * {@code storm.latencies} to every round trip to Postgres. Not a test:
 * {@code ./mvnw -B -pl benchmarks exec:java@storm}; the defaults are a short smoke run, the full run
 * sets the {@code -Dstorm.*} properties below (README, Benchmarks). Prints a progress line every few
 * seconds and each run's figures as it ends; writes {@code target/storm-report/} (report.md and plots).
 */
public final class StormBenchmark {

    private static final int USERS = Integer.getInteger("storm.users", 50);
    private static final int CONVERSATIONS = Integer.getInteger("storm.conversations", 3);
    private static final int MESSAGES = Integer.getInteger("storm.messages", 30);
    private static final Duration MESSAGE_EVERY = Duration.ofMillis(Integer.getInteger("storm.messageEveryMillis", 5000));
    private static final boolean CHANGED_ONLY = Boolean.getBoolean("storm.changedOnly");
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("storm.warmUpSeconds", 15));
    private static final Duration STEADY = Duration.ofSeconds(Integer.getInteger("storm.steadySeconds", 20));
    private static final Duration STORM = Duration.ofSeconds(Integer.getInteger("storm.stormSeconds", 30));
    private static final Duration AFTER = Duration.ofSeconds(Integer.getInteger("storm.afterSeconds", 30));
    private static final StormSystem.Settings SYSTEMS = StormSystem.Settings.fromProperties();
    private static final int LARGE_MESSAGES = Integer.getInteger("storm.largeMessages", 1000);
    private static final Duration LARGE_EVERY = Duration.ofMillis(Integer.getInteger("storm.largeEveryMillis", 100));
    private static final long SEED = Long.getLong("storm.seed", 1);

    private StormBenchmark() {
    }

    public static void main(String[] args) {
        ExitWhenDone.run(StormBenchmark::run);
    }

    private static void run() throws Exception {
        System.setProperty("java.awt.headless", "true");
        StormWorkload workload = new StormWorkload(USERS, CONVERSATIONS, MESSAGES, MESSAGE_EVERY, CHANGED_ONLY, WARM_UP, STEADY, STORM, AFTER, SEED);
        String settings = settings(workload);
        Progress.say("sync storm benchmark: %s", settings);
        StormReport report = new StormReport(workload, settings, LARGE_MESSAGES);
        List<String> results = new ArrayList<>();
        ConversationBodies bodies = new ConversationBodies();
        try (TestJwks jwks = new TestJwks()) {
            List<String> tokens = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                tokens.add(token(jwks, "user_storm_" + u));
            }
            String readerToken = token(jwks, LargeConversationReads.USER);
            for (long latency : SYSTEMS.latencies()) {
                for (StormSystem.Kind kind : SYSTEMS.systems()) {
                    Progress.say("starting %s with %d ms added to each round trip to Postgres", kind.label, latency);
                    Measurements measurements;
                    try (StormSystem system = StormSystem.start(kind, Duration.ofMillis(latency), SYSTEMS, jwks)) {
                        measurements = new StormRun(system, workload, tokens, readerToken, bodies, SYSTEMS.connections(), LARGE_MESSAGES,
                                LARGE_EVERY, SYSTEMS.partitions()).run();
                    }
                    List<String> lines = StormReport.lines(measurements);
                    lines.forEach(System.out::println);
                    results.addAll(lines);
                    report.add(measurements);
                }
            }
        }
        List<Path> files = report.write(reportDirectory());
        System.out.printf("%nRESULTS (%s)%n", settings);
        results.forEach(System.out::println);
        System.out.println("report: " + String.join(", ", files.stream().map(Path::toString).toList()));
    }

    private static String settings(StormWorkload workload) {
        return String.format(Locale.ROOT, "%d users × %d conversations of %d messages (~1 KB each); a message every ~%.1f s per user, "
                        + "saved %d s later (%s); storm: all %d conversations re-sent whole within %d s; phases: %d s warm-up, %d s steady, "
                        + "%d s storm, %d s after; added latency to Postgres %s ms; %d partitions; %d client connections; direct-write pool %d; "
                        + "%d cores shared by the API's JVM (%s), this JVM (load generator, broker, persister, proxy) and Postgres",
                workload.users(), workload.conversations(), workload.messages(), workload.messageEvery().toMillis() / 1e3,
                StormWorkload.DEBOUNCE.toSeconds(), workload.changedOnly() ? "only the new message" : "the whole conversation",
                workload.users() * workload.conversations(), workload.storm().toSeconds(), workload.warmUp().toSeconds(),
                workload.steady().toSeconds(), workload.storm().toSeconds(), workload.after().toSeconds(),
                String.join("/", SYSTEMS.latencies().stream().map(String::valueOf).toList()), SYSTEMS.partitions(), SYSTEMS.connections(),
                SYSTEMS.directPoolSize(), Runtime.getRuntime().availableProcessors(), String.join(" ", SYSTEMS.apiJvmOptions()));
    }

    /** A session token that outlives the run: signing is the client's cost, not the API's. */
    static String token(TestJwks jwks, String userId) {
        return jwks.token(userId, claims -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(6)))));
    }

    /** benchmarks/target/storm-report, wherever Maven was started: beside this module's classes. */
    static Path reportDirectory() throws URISyntaxException {
        return Path.of(StormBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().resolve("storm-report");
    }
}
