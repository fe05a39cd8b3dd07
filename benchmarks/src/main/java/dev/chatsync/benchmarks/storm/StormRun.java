package dev.chatsync.benchmarks.storm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.chatsync.benchmarks.ingest.KeepAliveClient;
import dev.chatsync.benchmarks.sync.Progress;

/**
 * One system through the workload: its conversations stored first (through its own POST, so that
 * chat-sync's API knows what it published, as after the posts that stored them), then the schedule
 * sent on time whatever the answers (an open loop), a large conversation read meanwhile, CPU and rows
 * sampled as each phase begins, and a progress line every {@link PostProgress#EVERY}.
 */
final class StormRun {

    private static final Duration ANSWERS_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);
    private static final int LARGE_PER_POST = 100;

    private final StormSystem system;
    private final StormWorkload workload;
    private final List<String> tokens;
    private final String readerToken;
    private final ConversationBodies bodies;
    private final int connections;
    private final int largeMessages;
    private final Duration largeEvery;
    private final int partitions;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    StormRun(StormSystem system, StormWorkload workload, List<String> tokens, String readerToken, ConversationBodies bodies,
            int connections, int largeMessages, Duration largeEvery, int partitions) {
        this.system = system;
        this.workload = workload;
        this.tokens = tokens;
        this.readerToken = readerToken;
        this.bodies = bodies;
        this.connections = connections;
        this.largeMessages = largeMessages;
        this.largeEvery = largeEvery;
        this.partitions = partitions;
    }

    Measurements run() throws IOException, InterruptedException, SQLException {
        Measurements measurements = new Measurements(system.label(), system.addedLatency.toMillis(), workload);
        List<StormWorkload.Post> schedule = workload.schedule();
        try (KeepAliveClient client = new KeepAliveClient(new InetSocketAddress("127.0.0.1", system.api.port()), connections);
                PipelineWatcher watcher = system.pipelined() ? new PipelineWatcher(system.database, system.topic, partitions, measurements) : null;
                ResourceSampler sampler = new ResourceSampler(system.api, system.database);
                LargeConversationReads reads = new LargeConversationReads(system.api.port(), readerToken, largeMessages, largeEvery, measurements)) {
            seed(client, watcher);
            if (!sampler.seesPostgres()) {
                Progress.say("%s: Postgres's processes not found; its CPU reads 0", system.label());
            }
            Progress.say("%s: %,d POSTs over %d s (%d s warm-up, %d s steady, %d s storm, %d s after)", system.label(), schedule.size(),
                    workload.endNanos() / 1_000_000_000L, workload.warmUp().toSeconds(), workload.steady().toSeconds(),
                    workload.storm().toSeconds(), workload.after().toSeconds());
            long start = System.nanoTime() + Duration.ofMillis(200).toNanos();
            measurements.runStartNanos = start;
            Thread samples = daemon("phase-samples", () -> samplePhases(sampler, measurements));
            PostProgress progress = PostProgress.start(system.label(), sent, answered, failed, watcher, () -> position(measurements));
            reads.start();
            for (StormWorkload.Post post : schedule) {
                long wait = start + post.atNanos() - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                send(client, post, measurements, watcher);
            }
            awaitAnswers(schedule.size());
            samples.join();
            if (watcher != null && !watcher.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
                Progress.say("%s: the persister did not catch up within %s", system.label(), CATCH_UP_TIMEOUT);
            }
            progress.close();
            if (reads.failures() > 0) {
                Progress.say("%s: %d reads of the large conversation failed", system.label(), reads.failures());
            }
        }
        return measurements;
    }

    private void send(KeepAliveClient client, StormWorkload.Post post, Measurements measurements, PipelineWatcher watcher) {
        Phase phase = workload.phaseAt(post.atNanos());
        measurements.offered.get(phase).incrementAndGet();
        measurements.messagesSent.get(phase).addAndGet(post.to() - post.from());
        sent.incrementAndGet();
        byte[] body = bodies.body(ConversationBodies.conversationId(post.conversation()), post.from(), post.to());
        client.post(system.kind.path, tokens.get(post.user()), body).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            int status = response == null ? -1 : response.status();
            measurements.answered(post, status, system.kind.okStatus, now);
            answered.incrementAndGet();
            if (status != system.kind.okStatus) {
                failed.incrementAndGet();
            } else if (watcher == null) {
                measurements.stored(post.atNanos(), now);
            } else {
                watcher.accepted(response, now, post.atNanos());
            }
        });
    }

    /** Every conversation of the workload with its first messages, and the large one, closed loop; then the pipeline drained. */
    private void seed(KeepAliveClient client, PipelineWatcher watcher) throws InterruptedException {
        Progress.say("%s: storing %d users' %d conversations of %d messages and the %d-message conversation", system.label(),
                workload.users(), workload.conversations(), workload.messages(), largeMessages);
        Semaphore inFlight = new Semaphore(connections);
        AtomicLong refused = new AtomicLong();
        long started = System.nanoTime();
        for (int from = 0; from < largeMessages; from += LARGE_PER_POST) {
            int to = Math.min(largeMessages, from + LARGE_PER_POST);
            seedPost(client, inFlight, refused, readerToken, bodies.body(LargeConversationReads.CONVERSATION, from, to));
            // one at a time, so its messages are stored in order
            inFlight.acquire(connections);
            inFlight.release(connections);
        }
        for (int user = 0; user < workload.users(); user++) {
            for (int c = 0; c < workload.conversations(); c++) {
                seedPost(client, inFlight, refused, tokens.get(user), bodies.body(ConversationBodies.conversationId(c), 0, workload.messages()));
            }
        }
        inFlight.acquire(connections);
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " POSTs storing the conversations failed");
        }
        if (watcher != null && !watcher.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
            throw new IllegalStateException("the persister did not store the conversations within " + CATCH_UP_TIMEOUT);
        }
        Progress.say("%s: stored in %.1f s", system.label(), (System.nanoTime() - started) / 1e9);
    }

    private void seedPost(KeepAliveClient client, Semaphore inFlight, AtomicLong refused, String token, byte[] body) throws InterruptedException {
        inFlight.acquire();
        CompletableFuture<KeepAliveClient.Response> response = client.post(system.kind.path, token, body);
        response.whenComplete((answer, failure) -> {
            if (answer == null || answer.status() != system.kind.okStatus) {
                refused.incrementAndGet();
            }
            inFlight.release();
        });
    }

    private void awaitAnswers(int posts) throws InterruptedException {
        long deadline = System.nanoTime() + ANSWERS_TIMEOUT.toNanos();
        while (answered.get() < posts) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((posts - answered.get()) + " POSTs unanswered " + ANSWERS_TIMEOUT + " after the last was sent");
            }
            Thread.sleep(50);
        }
    }

    private void samplePhases(ResourceSampler sampler, Measurements measurements) {
        try {
            for (Phase phase : Phase.values()) {
                sleepUntil(measurements.runStartNanos + workload.phaseStartNanos(phase));
                measurements.samples.put(phase, sampler.sample());
            }
            sleepUntil(measurements.runStartNanos + workload.endNanos());
            measurements.end = sampler.sample();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private PostProgress.Position position(Measurements measurements) {
        long elapsed = System.nanoTime() - measurements.runStartNanos;
        Phase phase = workload.phaseAt(Math.min(elapsed, workload.endNanos() - 1));
        return new PostProgress.Position(phase.label, elapsed - workload.phaseStartNanos(phase), workload.phaseNanos(phase));
    }

    private static void sleepUntil(long nanos) {
        for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
