package dev.chatsync.benchmarks.storm;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies recorded from any thread: percentiles and the share beyond a bound, in milliseconds. */
final class Latencies {

    private static final long HIGHEST = Duration.ofMinutes(10).toNanos();

    private final Histogram histogram;

    Latencies() {
        this(3);
    }

    /** @param digits significant digits kept; 2 for the many small histograms of a time series */
    Latencies(int digits) {
        histogram = new ConcurrentHistogram(HIGHEST, digits);
    }

    void record(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST)));
    }

    long count() {
        return histogram.getTotalCount();
    }

    double percentileMillis(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1e6;
    }

    double maxMillis() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1e6;
    }

    /** The fraction of recorded latencies above {@code millis}. */
    double fractionAbove(long millis) {
        if (count() == 0) {
            return Double.NaN;
        }
        long bound = TimeUnit.MILLISECONDS.toNanos(millis);
        return (double) histogram.getCountBetweenValues(histogram.nextNonEquivalentValue(bound), HIGHEST) / count();
    }
}
