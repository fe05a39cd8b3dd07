package dev.chatsync.benchmarks.storm;

import java.util.Locale;

/**
 * One step of a sweep, as it ended: the rate it offered and answered (one new message per POST, so
 * POSTs/s are messages/s), POST latency from each one's intended start, and for chat-sync the
 * persister's lag at the step's end and how long after it that backlog took to drain.
 *
 * @param storedShare  of the events published while the step was measured, the share the persister stored
 *                     meanwhile (its lag's growth is the rest); NaN for the direct write
 * @param lagAtEnd     events published and not yet stored as the step's sending stopped; -1 for the direct write
 * @param drainSeconds from then until everything published was stored; NaN for the direct write, or when it did
 *                     not within the step's measured length
 * @param readableP99  p99 from a 202 to its write being readable; NaN for the direct write (its 200 is the write)
 */
record StepResult(StormSystem.Kind kind, long addedLatencyMillis, int step, double offeredRate, double answeredRate, double p50, double p99,
        double p999, double aboveBound, long failed, long unanswered, double storedShare, long lagAtEnd, double drainSeconds, double readableP99,
        Verdict verdict) {

    /** Whether the step was sustained, and if not the first reason it was not. */
    enum Verdict {
        SUSTAINED("sustained"),
        SATURATED("saturated: answered < " + Math.round(100 * SweepSettings.KEEP_UP_SHARE) + " % of the offered rate, or not all"),
        FAILED_POSTS("POSTs failed"),
        P99_ABOVE_BOUND("p99 above " + SweepSettings.P99_BOUND_MILLIS + " ms"),
        PERSISTER_BEHIND("the persister fell behind: it stored < " + Math.round(100 * SweepSettings.KEEP_UP_SHARE)
                + " % of what was published, or its backlog did not drain within the step's length");

        final String label;

        Verdict(String label) {
            this.label = label;
        }
    }

    boolean sustained() {
        return verdict == Verdict.SUSTAINED;
    }

    String label() {
        return kind.label + " +" + addedLatencyMillis + " ms";
    }

    String line() {
        return String.format(Locale.ROOT, "%s, step %d: %.0f messages/s offered, %.0f answered/s, %d failed, %d unanswered; "
                        + "POST p50 %s, p99 %s, p99.9 %s, %s above %d ms%s: %s",
                label(), step, offeredRate, answeredRate, failed, unanswered, StormReport.ms(p50), StormReport.ms(p99), StormReport.ms(p999),
                StormReport.percent(aboveBound), SweepSettings.P99_BOUND_MILLIS, pipeline(), verdict.label);
    }

    private String pipeline() {
        if (lagAtEnd < 0) {
            return "";
        }
        return String.format(Locale.ROOT, "; 202 to readable p99 %s, persister stored %s of what was published meanwhile, "
                        + "lag at the end %,d events, drained %s later", StormReport.ms(readableP99), StormReport.percent(storedShare), lagAtEnd,
                Double.isNaN(drainSeconds) ? "not" : String.format(Locale.ROOT, "%.1f s", drainSeconds));
    }
}
