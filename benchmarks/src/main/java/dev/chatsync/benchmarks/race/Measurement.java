package dev.chatsync.benchmarks.race;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One timed phase of one system: how fast, and what it cost the sink's JVM, Postgres and the race's own
 * JVM ({@code raceCpu}: the broker serving the sinks' fetches, or COPY reading its files and sending them).
 */
record Measurement(int round, String system, String phase, long events, double seconds, Duration sinkCpu, Duration postgresCpu,
                   Duration raceCpu, long walBytes, int indexes) {

    double rate() {
        return events / seconds;
    }

    /** @param copyRates the COPYs' rates in its round, by name, to say this rate as a share of each */
    String line(Map<String, Double> copyRates) {
        StringBuilder ratio = new StringBuilder();
        copyRates.forEach((copy, copyRate) -> ratio.append(ratio.isEmpty() ? " = " : ", ")
                .append(String.format(Locale.ROOT, "%3.0f %% of %s", 100 * rate() / copyRate, copy)));
        String sink = sinkCpu == null ? "       —" : String.format(Locale.ROOT, "%8.1f", perThousand(sinkCpu));
        return String.format(Locale.ROOT, "round %d  %-13s %-24s %,9d rows in %6.2f s = %,8.0f rows/s%-40s  CPU per 1k rows: sink %s ms"
                        + " + Postgres %6.1f ms + race JVM %5.1f ms;  WAL %,6.0f B/row;  %d indexes on messages",
                round, system, phase, events, seconds, rate(), ratio, sink, perThousand(postgresCpu), perThousand(raceCpu),
                (double) walBytes / events, indexes);
    }

    private double perThousand(Duration cpu) {
        return cpu.toNanos() / 1e6 / events * 1000;
    }
}
