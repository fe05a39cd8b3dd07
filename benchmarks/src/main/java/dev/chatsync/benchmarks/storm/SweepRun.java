package dev.chatsync.benchmarks.storm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.chatsync.benchmarks.ingest.KeepAliveClient;
import dev.chatsync.benchmarks.sync.Progress;

/**
 * One system through a sweep: steady chat of one new message per POST, sent on time whatever the
 * answers (an open loop, arrivals at random as from many users), first at the start rate to warm
 * the system up, then step by step at a rising rate, each step's messages into conversations of its
 * own so that every one is new. A step ends once its POSTs are answered and, for chat-sync, the
 * persister has stored what they published, each within the step's measured length; the sweep ends
 * at the first step not sustained ({@link StepResult.Verdict}).
 */
final class SweepRun implements PipelineWatcher.Observer {


    private final StormSystem system;
    private final SweepSettings settings;
    private final List<String> tokens;
    private final ConversationBodies bodies;
    private final int connections;
    private final int partitions;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The step running; null in the warm-up. */
    private volatile StepTally tally;
    private volatile String stage = "starting";
    private volatile long stageStart = System.nanoTime();
    private volatile long stageNanos;

    SweepRun(StormSystem system, SweepSettings settings, List<String> tokens, ConversationBodies bodies, int connections, int partitions) {
        this.system = system;
        this.settings = settings;
        this.tokens = tokens;
        this.bodies = bodies;
        this.connections = connections;
        this.partitions = partitions;
    }

    List<StepResult> run() throws IOException, InterruptedException, SQLException {
        List<StepResult> steps = new ArrayList<>();
        Random random = new Random(settings.seed());
        try (KeepAliveClient client = new KeepAliveClient(new InetSocketAddress("127.0.0.1", system.api.port()), connections);
                PipelineWatcher watcher = system.pipelined() ? new PipelineWatcher(system.database, system.topic, partitions, this) : null) {
            PostProgress progress = PostProgress.start(system.label(), sent, answered, failed, watcher,
                    () -> new PostProgress.Position(stage, System.nanoTime() - stageStart, stageNanos));
            long start = System.nanoTime();
            stage("warm-up", start, settings.warmUp());
            send(client, watcher, random, "sweep-warm-up", settings.startRate(), start, start + settings.warmUp().toNanos(), 0);
            awaitWarmUpDone(watcher, start + settings.warmUp().toNanos());
            for (int step = 1; step <= settings.maxSteps(); step++) {
                StepResult result = step(client, watcher, random, step);
                Progress.say("%s", result.line());
                steps.add(result);
                if (!result.sustained()) {
                    break;
                }
            }
            progress.close();
        }
        return steps;
    }

    private StepResult step(KeepAliveClient client, PipelineWatcher watcher, Random random, int step) throws InterruptedException {
        double rate = settings.rate(step - 1);
        long start = System.nanoTime();
        long measuredFrom = start + settings.settle().toNanos();
        long measuredUntil = measuredFrom + settings.measured().toNanos();
        Progress.say("%s: step %d, %.0f messages/s: %d s settling, %d s measured", system.label(), step, rate, settings.settle().toSeconds(),
                settings.measured().toSeconds());
        StepTally current = new StepTally(step, measuredFrom, measuredUntil);
        tally = current;
        stage(String.format(Locale.ROOT, "step %d (%.0f/s)", step, rate), start, settings.settle().plus(settings.measured()));
        String conversation = "sweep-" + step;
        int next = send(client, watcher, random, conversation, rate, start, measuredFrom, 0);
        PipelineWatcher.Backlog atStart = watcher == null ? null : watcher.backlog();
        send(client, watcher, random, conversation, rate, measuredFrom, measuredUntil, next);
        PipelineWatcher.Backlog atEnd = watcher == null ? null : watcher.backlog();
        long deadline = measuredUntil + settings.measured().toNanos();
        while (!current.allAnswered() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        double drainSeconds = Double.NaN;
        if (watcher != null) {
            long left = deadline - System.nanoTime();
            if (left > 0 && watcher.awaitCaughtUp(Duration.ofNanos(left))) {
                drainSeconds = (System.nanoTime() - measuredUntil) / 1e9;
            }
        }
        return current.seal(system.kind, system.addedLatency.toMillis(), atStart, atEnd, drainSeconds);
    }

    /**
     * Arrivals at {@code rate} from {@code from} until {@code until}, round the users from POST
     * {@code first} of the conversation on, each the next message of the user's; returns the next POST's number.
     */
    private int send(KeepAliveClient client, PipelineWatcher watcher, Random random, String conversation, double rate, long from, long until,
            int first) {
        StepTally current = tally;
        long at = from;
        for (int i = first; ; i++) {
            at += (long) (-Math.log(1 - random.nextDouble()) * 1e9 / rate);
            if (at >= until) {
                return i;
            }
            for (long wait = at - System.nanoTime(); wait > 0; wait = at - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int position = i / tokens.size();
            post(client, watcher, current, at, tokens.get(i % tokens.size()), bodies.body(conversation, position, position + 1));
        }
    }

    private void post(KeepAliveClient client, PipelineWatcher watcher, StepTally current, long intendedNanos, String token, byte[] body) {
        if (current != null) {
            current.sent(intendedNanos);
        }
        sent.incrementAndGet();
        client.post(system.kind.path, token, body).whenComplete((response, failure) -> {
            long now = System.nanoTime();
            boolean ok = response != null && response.status() == system.kind.okStatus;
            answered.incrementAndGet();
            if (!ok) {
                failed.incrementAndGet();
            }
            if (current != null) {
                current.answered(intendedNanos, now, ok);
            }
            if (ok && watcher != null) {
                watcher.accepted(response, now, intendedNanos);
            }
        });
    }

    /** The warm-up answered and stored before the first step, within as long again as it ran. */
    private void awaitWarmUpDone(PipelineWatcher watcher, long sendingEnded) throws InterruptedException {
        long deadline = sendingEnded + settings.warmUp().toNanos();
        while (answered.get() < sent.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long left = deadline - System.nanoTime();
        if (answered.get() < sent.get() || watcher != null && (left <= 0 || !watcher.awaitCaughtUp(Duration.ofNanos(left)))) {
            throw new IllegalStateException(system.label() + " did not keep up with the warm-up: sweep.startRate too high");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(system.label() + ": " + failed.get() + " POSTs of the warm-up failed");
        }
    }

    @Override
    public void readable(long intendedNanos, long acceptedNanos, long readableNanos, boolean timed) {
        StepTally current = tally;
        if (current != null && timed) {
            current.readable(intendedNanos, acceptedNanos, readableNanos);
        }
    }

    private void stage(String name, long start, Duration length) {
        stageNanos = length.toNanos();
        stageStart = start;
        stage = name;
    }
}
