package dev.chatsync.benchmarks.search;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.HdrHistogram.Histogram;

import dev.chatsync.benchmarks.search.QueryMix.Kind;
import dev.chatsync.benchmarks.search.QueryMix.Query;
import dev.chatsync.benchmarks.sync.Progress;

/**
 * Latencies of one way of searching (through the API, or its statement alone) over the query mix,
 * per kind of query and over all of them, for searches one after another as a person makes them.
 */
final class SearchTimings {

    /** One search of {@code q} for the user; returns how many results the first page had. */
    @FunctionalInterface
    interface Searcher {
        int search(String userId, String q) throws Exception;
    }

    private static final long HIGHEST = Duration.ofMinutes(1).toNanos();

    private final String name;
    private final Map<Kind, Histogram> byKind = new EnumMap<>(Kind.class);
    private final Map<Kind, Long> results = new EnumMap<>(Kind.class);
    private final Histogram all = new Histogram(HIGHEST, 3);

    private SearchTimings(String name) {
        this.name = name;
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new Histogram(HIGHEST, 3));
            results.put(kind, 0L);
        }
    }

    /** {@code warmUp} searches unrecorded, then {@code searches} recorded, each for one of the heavy users at random. */
    static SearchTimings measure(String name, Searcher searcher, QueryMix mix, int heavyUsers, int warmUp, int searches) throws Exception {
        Random users = ChatCorpus.picks();
        for (int n = 0; n < warmUp; n++) {
            searcher.search(SearchPopulation.userId(users.nextInt(heavyUsers)), mix.get(n).q());
        }
        SearchTimings timings = new SearchTimings(name);
        long lastSaid = System.nanoTime();
        for (int n = 0; n < searches; n++) {
            Query query = mix.get(n);
            String userId = SearchPopulation.userId(users.nextInt(heavyUsers));
            long started = System.nanoTime();
            int found = searcher.search(userId, query.q());
            long took = System.nanoTime() - started;
            timings.byKind.get(query.kind()).recordValue(Math.min(took, HIGHEST));
            timings.all.recordValue(Math.min(took, HIGHEST));
            timings.results.merge(query.kind(), (long) found, Long::sum);
            if (System.nanoTime() - lastSaid > Duration.ofSeconds(10).toNanos()) {
                Progress.say("%s: %,d of %,d searches", name, n + 1, searches);
                lastSaid = System.nanoTime();
            }
        }
        return timings;
    }

    /** The p99 over every kind, in milliseconds. */
    double p99() {
        return all.getValueAtPercentile(99) / 1e6;
    }

    String report() {
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%s: all %s", name, line(all)));
        for (Kind kind : Kind.values()) {
            Histogram histogram = byKind.get(kind);
            report.append(String.format(Locale.ROOT, "%n    %-12s %s, %.1f results per first page", kind.label, line(histogram),
                    histogram.getTotalCount() == 0 ? 0.0 : results.get(kind) / (double) histogram.getTotalCount()));
        }
        return report.toString();
    }

    private static String line(Histogram histogram) {
        return String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%,d searches)", histogram.getValueAtPercentile(50) / 1e6,
                histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6, histogram.getTotalCount());
    }
}
