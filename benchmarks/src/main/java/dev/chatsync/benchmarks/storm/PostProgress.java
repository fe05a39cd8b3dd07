package dev.chatsync.benchmarks.storm;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.chatsync.benchmarks.sync.Progress;

/**
 * The line an open loop of POSTs prints every {@link #EVERY} while it runs: where it is, POSTs sent and
 * answered per second since the line before, those in flight and failed, and the persister's lag
 * when there is one. A daemon thread, stopped by {@link #close()}.
 */
final class PostProgress implements AutoCloseable {

    static final Duration EVERY = Duration.ofSeconds(5);

    /** Where the loop is: a phase or step's name, how far into it, and how long it lasts. */
    record Position(String name, long elapsedNanos, long lengthNanos) {
    }

    private final Thread thread;

    private PostProgress(Thread thread) {
        this.thread = thread;
    }

    /** @param watcher the persister's progress, or null for a system without one */
    static PostProgress start(String system, AtomicLong sent, AtomicLong answered, AtomicLong failed, PipelineWatcher watcher,
            Supplier<Position> position) {
        Thread thread = new Thread(() -> report(system, sent, answered, failed, watcher, position), "post-progress");
        thread.setDaemon(true);
        thread.start();
        return new PostProgress(thread);
    }

    private static void report(String system, AtomicLong sent, AtomicLong answered, AtomicLong failed, PipelineWatcher watcher,
            Supplier<Position> position) {
        long lastSent = 0;
        long lastAnswered = 0;
        long last = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            double seconds = (now - last) / 1e9;
            long sentNow = sent.get();
            long answeredNow = answered.get();
            Position at = position.get();
            Progress.say("%s: %s %.0f/%d s: %.0f POST/s sent, %.0f answered, %d in flight, %d failed%s", system, at.name(),
                    Math.min(at.elapsedNanos(), at.lengthNanos()) / 1e9, at.lengthNanos() / 1_000_000_000L, (sentNow - lastSent) / seconds,
                    (answeredNow - lastAnswered) / seconds, sentNow - answeredNow, failed.get(),
                    watcher == null ? "" : ", persister lag " + watcher.lag() + " events");
            lastSent = sentNow;
            lastAnswered = answeredNow;
            last = now;
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
