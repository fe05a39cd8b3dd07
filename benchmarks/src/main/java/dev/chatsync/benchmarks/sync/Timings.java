package dev.chatsync.benchmarks.sync;

import java.time.Duration;
import java.util.Locale;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies of one kind of request, recorded from any thread, summarised as p50/p99/max. */
final class Timings {

    private final Histogram histogram = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);

    void record(long nanos) {
        histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
    }

    long count() {
        return histogram.getTotalCount();
    }

    double p50() {
        return ms(histogram.getValueAtPercentile(50));
    }

    double p99() {
        return ms(histogram.getValueAtPercentile(99));
    }

    double max() {
        return ms(histogram.getMaxValue());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d)", p50(), p99(), max(), count());
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
