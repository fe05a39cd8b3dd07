package dev.chatsync.benchmarks.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 3: {@code writers} users each post one new message of ~1 KB at a time to their current
 * conversation (a new one every {@link #PER_CONVERSATION} messages), together {@code perSecond}
 * writes a second on a fixed schedule, whatever the answers (an open loop, far below what the
 * pipeline takes). As each 202 arrives, two GETs of that conversation go out at once: one with the
 * 202's {@code syncToken} as {@code Chat-Sync-Token}, repeated until it answers
 * {@code Chat-Sync-Consistent: true} with the write in it, timed from the POST's sending; and the
 * reference, the same GET without the token, which shows how many reads right after a 202 miss it.
 */
final class ReadYourWrites {

    private static final int PER_CONVERSATION = 10;
    private static final int MAX_ATTEMPTS = 10;

    private final Pipeline pipeline;
    private final ApiClient client;
    private final int writers;
    private final double perSecond;
    private final List<String> tokens = new ArrayList<>();
    private final int[] written;

    ReadYourWrites(Pipeline pipeline, ApiClient client, int writers, double perSecond) {
        this.pipeline = pipeline;
        this.client = client;
        this.writers = writers;
        this.perSecond = perSecond;
        this.written = new int[writers];
    }

    List<String> run(int warmUpWrites, int writes) throws InterruptedException {
        for (int w = 0; w < writers; w++) {
            tokens.add(pipeline.token("user_sync_writer_" + w));
        }
        Progress.say("3/3 read-your-writes: %d warm-up writes, then %d measured: %d writers, %.0f writes/s in all", warmUpWrites, writes, writers, perSecond);
        phase(warmUpWrites);
        Map<String, Double> metricsBefore = pipeline.apiMetrics();
        Map<String, Double> persisterBefore = pipeline.persisterMetrics();
        ApiCpu cpuBefore = pipeline.apiCpu();
        long started = System.nanoTime();
        Phase measured = phase(writes);
        ApiCpu cpu = pipeline.apiCpu().since(cpuBefore);
        double elapsed = System.nanoTime() - started;
        double apiCores = cpu.rest().toNanos() / elapsed;
        double compilerCores = cpu.compilers().toNanos() / elapsed;
        Map<String, Double> metricsAfter = pipeline.apiMetrics();
        ScrapedHistogram waited = ScrapedHistogram.between(metricsBefore, metricsAfter, "chatsync_ingest_sync_wait_seconds", "outcome=\"committed\"");
        ScrapedHistogram transactions = ScrapedHistogram.between(persisterBefore, pipeline.persisterMetrics(), "chatsync_persister_transaction_seconds");
        Waits known = Waits.of(metricsBefore, metricsAfter, "known");
        Waits committed = Waits.of(metricsBefore, metricsAfter, "committed");
        Waits late = Waits.of(metricsBefore, metricsAfter, "timeout").plus(Waits.of(metricsBefore, metricsAfter, "full"));
        Progress.say("3/3 read-your-writes: readable %s", measured.readable);
        return List.of(
                String.format(Locale.ROOT, "POST-to-readable with the syncToken (%d writes at %.0f/s by %d writers, the API at %.2f cores and its JIT compilers at %.2f): "
                                + "%s (target p99 <= 250 ms); the 202 alone: %s",
                        measured.readable.count(), perSecond, writers, apiCores, compilerCores, measured.readable, measured.accepted),
                String.format(Locale.ROOT, "  from the 202 to readable: %s; the persister's transactions meanwhile: %s", measured.afterAccepted, transactions),
                String.format(Locale.ROOT, "  reads with the token, as the API counted them: %.0f found the write committed on arrival, %.0f waited for the persister "
                                + "(mean %.1f ms; %s), %.0f answered before it caught up",
                        known.count(), committed.count(), committed.meanMillis(), waited, late.count()),
                String.format(Locale.ROOT, "  reads with the token, as the client saw them: %d answered Chat-Sync-Consistent: false and were retried, %d consistent without the write%s",
                        measured.notYet.get(), measured.inconsistent.get(),
                        measured.gaveUp.get() == 0 ? "" : String.format(Locale.ROOT, ", %d never readable after %d attempts", measured.gaveUp.get(), MAX_ATTEMPTS)),
                String.format(Locale.ROOT, "  reference, the same GET without the token sent with it: %d of %d missed the write (%.1f %%)",
                        measured.missed.get(), measured.accepted.count(), 100.0 * measured.missed.get() / Math.max(1, measured.accepted.count())));
    }

    private Phase phase(int writes) throws InterruptedException {
        Phase phase = new Phase(writes);
        long interval = (long) (1e9 / perSecond);
        long started = System.nanoTime();
        for (int i = 0; i < writes; i++) {
            long wait = started + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            write(i % writers, phase);
            if ((i + 1) % 250 == 0) {
                Progress.say("3/3 read-your-writes: %d/%d writes sent; readable so far %s", i + 1, writes, phase.readable);
            }
        }
        if (!phase.done.await(2, TimeUnit.MINUTES) || !phase.references.await(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException(phase.done.getCount() + " writes were never readable, "
                    + phase.references.getCount() + " reads without the token never answered");
        }
        return phase;
    }

    private void write(int writer, Phase phase) {
        int n = written[writer]++;
        String conversationId = "writer-" + writer + "-conversation-" + n / PER_CONVERSATION;
        String messageId = "w" + writer + "-m" + n;
        String token = tokens.get(writer);
        byte[] body = ChatMessages.post(conversationId, List.of(ChatMessages.message(messageId, n % PER_CONVERSATION, 0)));
        String path = "/api/messages?conversationId=" + conversationId;
        long sent = System.nanoTime();
        client.postAsync(token, body).whenComplete((reply, failure) -> {
            if (failure != null || reply.status() != 202) {
                phase.fail(failure != null ? failure : new IllegalStateException("POST answered " + reply.status()), false);
                return;
            }
            long accepted = System.nanoTime();
            phase.accepted.record(accepted - sent);
            String syncToken = reply.json().get("syncToken").asString();
            client.getAsync(token, path).whenComplete((unsynced, error) -> {
                if (error != null || unsynced.status() != 200 || !unsynced.mentions(messageId)) {
                    phase.missed.incrementAndGet();
                }
                phase.references.countDown();
            });
            readUntilVisible(phase, token, path, messageId, syncToken, sent, accepted, 1);
        });
    }

    private void readUntilVisible(Phase phase, String token, String path, String messageId, String syncToken, long sent, long accepted,
            int attempt) {
        client.getAsync(token, path, "Chat-Sync-Token", syncToken).whenComplete((reply, failure) -> {
            if (failure != null) {
                phase.fail(failure, true);
                return;
            }
            boolean consistent = "true".equals(reply.header("Chat-Sync-Consistent"));
            boolean visible = reply.status() == 200 && reply.mentions(messageId);
            if (consistent && visible) {
                long readable = System.nanoTime();
                phase.readable.record(readable - sent);
                phase.afterAccepted.record(readable - accepted);
                phase.done.countDown();
                return;
            }
            (consistent ? phase.inconsistent : phase.notYet).incrementAndGet();
            if (attempt == MAX_ATTEMPTS) {
                phase.gaveUp.incrementAndGet();
                phase.done.countDown();
                return;
            }
            readUntilVisible(phase, token, path, messageId, syncToken, sent, accepted, attempt + 1);
        });
    }

    /** How many reads with a token waited with this outcome between two scrapes, and how long in all (the API's sync-wait timer). */
    private record Waits(double count, double seconds) {

        private static final String TIMER = "chatsync_ingest_sync_wait_seconds_";

        static Waits of(Map<String, Double> before, Map<String, Double> after, String outcome) {
            return new Waits(delta(before, after, TIMER + "count", outcome), delta(before, after, TIMER + "sum", outcome));
        }

        private static double delta(Map<String, Double> before, Map<String, Double> after, String series, String outcome) {
            return sum(after, series, outcome) - sum(before, series, outcome);
        }

        private static double sum(Map<String, Double> samples, String series, String outcome) {
            return samples.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(series) && e.getKey().contains("outcome=\"" + outcome + "\""))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        Waits plus(Waits other) {
            return new Waits(count + other.count, seconds + other.seconds);
        }

        double meanMillis() {
            return count == 0 ? 0 : seconds / count * 1e3;
        }
    }

    /** The figures of one run of writes. */
    private static final class Phase {
        final Timings accepted = new Timings();
        final Timings readable = new Timings();
        final Timings afterAccepted = new Timings();
        final AtomicLong missed = new AtomicLong();
        final AtomicLong notYet = new AtomicLong();
        final AtomicLong inconsistent = new AtomicLong();
        final AtomicLong gaveUp = new AtomicLong();
        final CountDownLatch done;
        final CountDownLatch references;

        Phase(int writes) {
            done = new CountDownLatch(writes);
            references = new CountDownLatch(writes);
        }

        /** A POST that failed sends neither read; a read with the token that failed is not retried. */
        void fail(Throwable failure, boolean posted) {
            System.err.println("a write or read failed: " + failure);
            done.countDown();
            if (!posted) {
                references.countDown();
            }
        }
    }
}
