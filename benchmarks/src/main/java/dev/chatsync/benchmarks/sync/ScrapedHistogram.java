package dev.chatsync.benchmarks.sync;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Prometheus histogram of the API or the persister recorded between two scrapes: how many
 * observations fell in each bucket meanwhile. Its percentiles are bucket bounds ("at most"), from
 * the service's own clock, so they leave out the client, loopback and this JVM's pauses.
 */
final class ScrapedHistogram {

    private static final Pattern UPPER_BOUND = Pattern.compile("le=\"([^\"]+)\"");

    private final NavigableMap<Double, Double> cumulative = new TreeMap<>();

    /**
     * @param name   the histogram's name in seconds, e.g. {@code chatsync_persister_transaction_seconds}
     * @param labels labels the series must all carry, e.g. {@code status="304"}
     */
    static ScrapedHistogram between(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        ScrapedHistogram histogram = new ScrapedHistogram();
        after.forEach((series, count) -> {
            Matcher bound = UPPER_BOUND.matcher(series);
            if (series.startsWith(name + "_bucket{") && Arrays.stream(labels).allMatch(series::contains) && bound.find()) {
                double upper = bound.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound.group(1));
                histogram.cumulative.merge(upper, count - before.getOrDefault(series, 0.0), Double::sum);
            }
        });
        return histogram;
    }

    double count() {
        return cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    }

    /** "p50 ≤ x ms, p99 ≤ y ms (n)", or a note that nothing was recorded. */
    @Override
    public String toString() {
        if (count() == 0) {
            return "nothing recorded";
        }
        return String.format(Locale.ROOT, "p50 <= %s, p99 <= %s (%.0f)", atMost(0.5), atMost(0.99), count());
    }

    private String atMost(double percentile) {
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= percentile * count()) {
                return bucket.getKey().isInfinite() ? "+Inf" : String.format(Locale.ROOT, "%.1f ms", bucket.getKey() * 1e3);
            }
        }
        return "+Inf";
    }
}
