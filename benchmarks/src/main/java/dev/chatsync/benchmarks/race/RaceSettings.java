package dev.chatsync.benchmarks.race;

import java.util.List;
import java.util.Locale;

/**
 * The race's sizes, each a {@code -D} system property of the same name; the defaults are the full run.
 *
 * @param messages           new messages of ~1 KB, in turns of a user message and its reply, round-robin over the conversations
 * @param conversations      conversations they belong to (a tenth as many users)
 * @param warmUp             the first new messages, which every system stores before its clock starts ({@code warmup}): a
 *                           sink's JVM has compiled its path by then, as a running sink's has, and COPY finds the
 *                           same rows in place
 * @param resync             events of the re-sync phase: per conversation 19 stored messages re-sent unchanged and 1 new
 * @param partitions         partitions of every topic
 * @param rounds             rounds, each running every system once, in alternating order
 * @param persisterConsumers the persister's consumers ({@code chatsync.persister.concurrency})
 * @param persisterBatch     the persister's largest batch ({@code chatsync.persister.max-batch-size})
 * @param sinkTasks          the Debezium sink's {@code tasks.max}
 * @param sinkBatch          the Debezium sink's {@code batch.size}, and its consumers' {@code max.poll.records}
 * @param copyStreams        connections the parallel COPY writes over at once ({@code copy.streams}), as many as the
 *                           persister's consumers by default
 * @param progressSeconds    seconds between progress lines
 * @param systems            the systems raced ({@code race.systems}, comma-separated), all three by default
 * @param postgresRoundTrip  milliseconds every round trip to Postgres takes longer ({@code postgres.delayMs}), through
 *                           {@code TcpProxy}: 1 is Neon reached from the same region
 * @param persisterJvm       extra JVM options of the persister's process ({@code persister.jvmOptions}, space-separated),
 *                           where {@code {phase}} names the phase, e.g. a flight recording to {@code target/race/{phase}.jfr}
 */
record RaceSettings(int messages, int conversations, int warmUp, int resync, int partitions, int rounds,
                    int persisterConsumers, int persisterBatch, int sinkTasks, int sinkBatch, int copyStreams, int progressSeconds,
                    List<String> systems, int postgresRoundTrip, List<String> persisterJvm) {

    static final String COPY = "COPY";
    static final String PARALLEL_COPY = "parallel COPY";
    static final List<String> ALL_SYSTEMS = List.of(COPY, PARALLEL_COPY, "persister", "Debezium");

    static RaceSettings fromSystemProperties() {
        int messages = Integer.getInteger("messages", 500_000);
        int persisterConsumers = Integer.getInteger("persister.consumers", 2);
        return new RaceSettings(
                messages,
                Integer.getInteger("conversations", 20_000),
                Integer.getInteger("warmup", messages / 5),
                Integer.getInteger("resync", messages / 2),
                Integer.getInteger("partitions", 12),
                Integer.getInteger("rounds", 2),
                persisterConsumers,
                Integer.getInteger("persister.batchSize", 1000),
                // 2 tasks for 2 cores, as the persister's 2 consumers; batch 3,000 with 2 tasks was the best of the
                // 7 configurations issue 15's first race tried
                Integer.getInteger("sink.tasks", 2),
                Integer.getInteger("sink.batchSize", 3000),
                Integer.getInteger("copy.streams", persisterConsumers),
                Integer.getInteger("progressSeconds", 5),
                List.of(System.getProperty("race.systems", String.join(",", ALL_SYSTEMS)).split(",")),
                Integer.getInteger("postgres.delayMs", 0),
                List.of(System.getProperty("persister.jvmOptions", "").split(" ")).stream().filter(o -> !o.isBlank()).toList());
    }

    boolean races(String system) {
        return systems.contains(system);
    }

    int users() {
        return Math.max(1, conversations / 10);
    }

    String describe() {
        return String.format(Locale.ROOT, "%,d new messages of 1 KB over %,d conversations (the first %,d stored before the clock "
                        + "starts), re-sync of %,d events (+%d, one closing "
                        + "new message per partition); %d partitions, %d rounds; persister %d consumers, batch %,d; "
                        + "Debezium %d tasks, batch %,d; parallel COPY %d streams; Postgres round trips +%d ms; systems %s", messages,
                conversations, warmUp, resync, partitions, partitions, rounds, persisterConsumers, persisterBatch, sinkTasks, sinkBatch,
                copyStreams, postgresRoundTrip,
                String.join(", ", systems));
    }
}
