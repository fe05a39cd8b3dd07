package dev.chatsync.benchmarks.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.chatsync.benchmarks.jvm.ExitWhenDone;

/**
 * What the sync protocol costs a front end, on the real pipeline (embedded Kafka and Postgres, the
 * persister, the ingest-api in a JVM of its own, see {@link Pipeline}), each figure printed beside
 * its reference measured in the same run. Not a test: {@code ./mvnw -B -pl benchmarks exec:java@sync};
 * the sizes below are {@code -Dsync.*} properties, their defaults the full run.
 *
 * <ol>
 *   <li>{@link LargeConversationRead}: GET of a {@code sync.conversationMessages} message conversation,
 *       {@code sync.reads} times after {@code sync.warmUpSeconds} of them, and the same for the GET answered 304
 *       and for the references;</li>
 *   <li>{@link DeviceCatchUp}: a device back to {@code sync.conversations} conversations of {@code sync.messagesEach}
 *       messages, {@code sync.changed} of them changed: the changes feed against re-reading all of them,
 *       {@code sync.rounds} rounds after {@code sync.warmUpRounds} and {@code sync.warmUpSeconds} of catching up;</li>
 *   <li>{@link ReadYourWrites}: {@code sync.writes} writes after {@code sync.warmUpWrites}, by {@code sync.writers}
 *       writers at {@code sync.writesPerSecond} in all, each timed until a read with its syncToken shows it,
 *       against the same read without the token.</li>
 * </ol>
 */
public final class SyncBenchmark {

    private static final int PARTITIONS = Integer.getInteger("sync.partitions", 6);
    // a fixed heap, as a container limit would give; the ingest benchmark runs the API with the same
    private static final List<String> API_JVM_OPTIONS = List.of(System.getProperty("sync.apiJvmOptions", "-Xms1g -Xmx1g").split(" "));
    private static final int CONVERSATION_MESSAGES = Integer.getInteger("sync.conversationMessages", 1000);
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("sync.warmUpSeconds", 8));
    private static final int READS = Integer.getInteger("sync.reads", 300);
    private static final int CONVERSATIONS = Integer.getInteger("sync.conversations", 100);
    private static final int MESSAGES_EACH = Integer.getInteger("sync.messagesEach", 20);
    private static final int CHANGED = Integer.getInteger("sync.changed", 10);
    private static final int WARM_UP_ROUNDS = Integer.getInteger("sync.warmUpRounds", 5);
    private static final int ROUNDS = Integer.getInteger("sync.rounds", 100);
    // as a browser reads one origin over HTTP/1.1: at most 6 connections
    private static final int PARALLEL_READS = Integer.getInteger("sync.parallelReads", 6);
    private static final int WARM_UP_WRITES = Integer.getInteger("sync.warmUpWrites", 200);
    private static final int WRITES = Integer.getInteger("sync.writes", 1000);
    private static final int WRITERS = Integer.getInteger("sync.writers", 4);
    private static final int WRITES_PER_SECOND = Integer.getInteger("sync.writesPerSecond", 40);

    private SyncBenchmark() {
    }

    public static void main(String[] args) {
        ExitWhenDone.run(SyncBenchmark::run);
    }

    private static void run() throws Exception {
        Progress.say("sync benchmark: %d cores shared by the API's JVM (%s) and this one (client, broker, persister); Postgres embedded; "
                        + "%d partitions; starting the pipeline", Runtime.getRuntime().availableProcessors(), String.join(" ", API_JVM_OPTIONS), PARTITIONS);
        List<String> results = new ArrayList<>();
        try (Pipeline pipeline = Pipeline.start(PARTITIONS, API_JVM_OPTIONS)) {
            ApiClient client = new ApiClient(pipeline.apiPort());
            Progress.say("pipeline ready");
            results.addAll(new LargeConversationRead(pipeline, client, CONVERSATION_MESSAGES, WARM_UP, READS).run());
            results.addAll(new DeviceCatchUp(pipeline, client, CONVERSATIONS, MESSAGES_EACH, CHANGED, WARM_UP_ROUNDS, WARM_UP, ROUNDS, PARALLEL_READS).run());
            results.addAll(new ReadYourWrites(pipeline, client, WRITERS, WRITES_PER_SECOND).run(WARM_UP_WRITES, WRITES));
        }
        System.out.printf("%nRESULTS (latencies at the client, over loopback)%n");
        results.forEach(System.out::println);
    }
}
