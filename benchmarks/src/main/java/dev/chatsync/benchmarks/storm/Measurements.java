package dev.chatsync.benchmarks.storm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What one system's run recorded, by phase (of each request's intended start) and over time (seconds
 * from the start of the steady phase). Filled from the load generator's, the watchers' and the
 * sampler's threads; read once the run is over.
 */
final class Measurements implements PipelineWatcher.Observer {

    /** A point of a time series: seconds from the start of the steady phase, and the value then. */
    record Point(double second, double value) {
    }

    /** CPU time (ns) of each process and rows the database wrote, as sampled when a phase began or the run ended. */
    record Sample(long apiCpu, long ownCpu, long postgresCpu, long rowsWritten, long nanos) {
    }

    final String system;
    final long addedLatencyMillis;
    final StormWorkload workload;
    final Map<Phase, Latencies> posts = new EnumMap<>(Phase.class);
    final Map<Phase, AtomicLong> offered = new EnumMap<>(Phase.class);
    final Map<Phase, AtomicLong> failed = new EnumMap<>(Phase.class);
    /** POSTs answered while the phase ran, whenever they were sent: the throughput. */
    final Map<Phase, AtomicLong> completed = new EnumMap<>(Phase.class);
    final Map<Phase, AtomicLong> messagesSent = new EnumMap<>(Phase.class);
    final Map<Phase, Latencies> readable = new EnumMap<>(Phase.class);
    final Map<Phase, Latencies> largeGets = new EnumMap<>(Phase.class);
    final Map<Phase, Sample> samples = new EnumMap<>(Phase.class);
    final List<Point> lag = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReferenceArray<Latencies> perSecond;
    private final AtomicLong stormStoredBy = new AtomicLong(Long.MIN_VALUE);
    volatile Sample end;
    volatile long runStartNanos;

    Measurements(String system, long addedLatencyMillis, StormWorkload workload) {
        this.system = system;
        this.addedLatencyMillis = addedLatencyMillis;
        this.workload = workload;
        for (Phase phase : Phase.values()) {
            posts.put(phase, new Latencies());
            offered.put(phase, new AtomicLong());
            failed.put(phase, new AtomicLong());
            completed.put(phase, new AtomicLong());
            messagesSent.put(phase, new AtomicLong());
            readable.put(phase, new Latencies());
            largeGets.put(phase, new Latencies());
        }
        perSecond = new AtomicReferenceArray<>((int) ((workload.endNanos() - workload.warmUp().toNanos()) / 1_000_000_000L) + 1);
    }

    /** A POST answered: latency from its intended start, so that queueing behind a slow server counts. */
    void answered(StormWorkload.Post post, int status, int okStatus, long answeredNanos) {
        Phase phase = workload.phaseAt(post.atNanos());
        long latency = answeredNanos - (runStartNanos + post.atNanos());
        posts.get(phase).record(latency);
        if (status != okStatus) {
            failed.get(phase).incrementAndGet();
        }
        long sinceStart = answeredNanos - runStartNanos;
        if (sinceStart < workload.endNanos()) {
            completed.get(workload.phaseAt(sinceStart)).incrementAndGet();
        }
        int second = (int) ((post.atNanos() - workload.warmUp().toNanos()) / 1_000_000_000L);
        if (second >= 0 && second < perSecond.length()) {
            Latencies bucket = perSecond.get(second);
            if (bucket == null) {
                perSecond.compareAndSet(second, null, new Latencies(2));
                bucket = perSecond.get(second);
            }
            bucket.record(latency);
        }
    }

    @Override
    public void readable(long intendedNanos, long acceptedNanos, long readableNanos, boolean timed) {
        if (timed) {
            readable.get(workload.phaseAt(intendedNanos)).record(readableNanos - acceptedNanos);
        }
        stored(intendedNanos, readableNanos);
    }

    @Override
    public void lag(long nanos, long events) {
        if (runStartNanos != 0) {
            lag.add(new Point(secondsOf(nanos), events));
        }
    }

    /** When a POST's write became readable; the last of those sent up to the storm's end says when its backlog drained. */
    void stored(long intendedNanos, long storedNanos) {
        if (intendedNanos < workload.stormEndNanos()) {
            stormStoredBy.accumulateAndGet(storedNanos, Math::max);
        }
    }

    /** Seconds from the storm's end until everything sent up to it was readable; 0 when nothing was left. */
    double drainSeconds() {
        long drainedAt = stormStoredBy.get();
        if (drainedAt == Long.MIN_VALUE) {
            return Double.NaN;
        }
        return Math.max(0, drainedAt - (runStartNanos + workload.stormEndNanos())) / 1e9;
    }

    double offeredPerSecond(Phase phase) {
        return offered.get(phase).get() / (workload.phaseNanos(phase) / 1e9);
    }

    double throughput(Phase phase) {
        return completed.get(phase).get() / (workload.phaseNanos(phase) / 1e9);
    }

    /** Whether it answered less than 90 % of the storm's offered rate while the storm ran: its backlog grew. */
    boolean saturatedInStorm() {
        return throughput(Phase.STORM) < 0.9 * offeredPerSecond(Phase.STORM);
    }

    double secondsOf(long nanos) {
        return (nanos - runStartNanos - workload.warmUp().toNanos()) / 1e9;
    }

    /** p99 of the POSTs intended in each second of the measured phases; NaN for a second without any. */
    List<Point> p99PerSecond() {
        List<Point> points = new ArrayList<>();
        for (int s = 0; s < perSecond.length(); s++) {
            Latencies bucket = perSecond.get(s);
            points.add(new Point(s + 0.5, bucket == null ? Double.NaN : bucket.percentileMillis(99)));
        }
        return points;
    }

    /** The sample taken when the phase began, and the one after it (the next phase's, or the run's end). */
    Sample[] between(Phase phase) {
        Phase next = phase.ordinal() + 1 < Phase.values().length ? Phase.values()[phase.ordinal() + 1] : null;
        return new Sample[] {samples.get(phase), next == null ? end : samples.get(next)};
    }
}
