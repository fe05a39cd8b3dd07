package dev.chatsync.benchmarks.storm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.chatsync.benchmarks.jvm.ExitWhenDone;
import dev.chatsync.benchmarks.sync.Progress;
import dev.chatsync.ingest.TestJwks;

/**
 * The target the storm cannot show: how many messages/s chat-sync sustains before its POST p99
 * passes {@value SweepSettings#P99_BOUND_MILLIS} ms, against the direct-write design's. Each system
 * of {@code storm.systems}, at each of {@code storm.latencies}, is started once ({@link StormSystem})
 * and swept ({@link SweepRun}) until a step is not sustained. Not a test:
 * {@code ./mvnw -B -pl benchmarks -am package exec:java@sweep -DskipTests}; the defaults are the full
 * run, the {@code -Dsweep.*} properties of {@link SweepSettings} size it (README, Benchmarks). Prints a
 * progress line every few seconds and each step's figures as it ends; appends its section to
 * {@code target/storm-report/report.md} and writes {@code sweep.png} beside it.
 */
public final class StormSweep {

    private StormSweep() {
    }

    public static void main(String[] args) {
        ExitWhenDone.run(StormSweep::run);
    }

    private static void run() throws Exception {
        System.setProperty("java.awt.headless", "true");
        SweepSettings sweep = SweepSettings.fromProperties();
        StormSystem.Settings systems = StormSystem.Settings.fromProperties();
        String settings = settings(sweep, systems);
        Progress.say("sweep: %s", settings);
        SweepReport report = new SweepReport(settings, sweep.factor());
        List<String> results = new ArrayList<>();
        ConversationBodies bodies = new ConversationBodies();
        try (TestJwks jwks = new TestJwks()) {
            List<String> tokens = new ArrayList<>();
            for (int u = 0; u < sweep.users(); u++) {
                tokens.add(StormBenchmark.token(jwks, "user_sweep_" + u));
            }
            for (long latency : systems.latencies()) {
                for (StormSystem.Kind kind : systems.systems()) {
                    Progress.say("starting %s with %d ms added to each round trip to Postgres", kind.label, latency);
                    List<StepResult> steps;
                    try (StormSystem system = StormSystem.start(kind, Duration.ofMillis(latency), systems, jwks)) {
                        steps = new SweepRun(system, sweep, tokens, bodies, systems.connections(), systems.partitions()).run();
                    }
                    steps.forEach(step -> results.add(step.line()));
                    report.add(steps);
                }
            }
        }
        List<Path> files = report.append(StormBenchmark.reportDirectory());
        System.out.printf("%nRESULTS (%s)%n", settings);
        results.forEach(System.out::println);
        report.summary().forEach(System.out::println);
        System.out.println("report: " + String.join(", ", files.stream().map(Path::toString).toList()));
    }

    private static String settings(SweepSettings sweep, StormSystem.Settings systems) {
        return String.format(Locale.ROOT, "%d users, each POST one new message (~1 KB) into the user's conversation of the step; "
                        + "%.0f messages/s for a %d s warm-up, then steps from %.0f/s, ×%.2f each (at most %d), each %d s settling and %d s measured; "
                        + "added latency to Postgres %s ms; %d partitions; %d client connections; direct-write pool %d; "
                        + "%d cores shared by the API's JVM (%s), this JVM (load generator, broker, persister, proxy) and Postgres",
                sweep.users(), sweep.startRate(), sweep.warmUp().toSeconds(), sweep.startRate(), sweep.factor(), sweep.maxSteps(),
                sweep.settle().toSeconds(), sweep.measured().toSeconds(), String.join("/", systems.latencies().stream().map(String::valueOf).toList()),
                systems.partitions(), systems.connections(), systems.directPoolSize(), Runtime.getRuntime().availableProcessors(),
                String.join(" ", systems.apiJvmOptions()));
    }
}
