package dev.chatsync.benchmarks.storm;

/**
 * What one step records while it runs, from the client's thread (answers) and the pipeline
 * watcher's (writes readable): the POSTs meant to go in its measured part, timed from then, and the
 * answers that came while that part ran, whenever their POSTs were sent (the throughput). Sealed
 * once the step is over, so that answers coming later do not change what it reported.
 */
final class StepTally {

    private final int step;
    private final long measuredFrom;
    private final long measuredUntil;
    private final Latencies posts = new Latencies();
    private final Latencies readable = new Latencies();
    private long offered;
    private long answered;
    private long failed;
    private long answeredMeanwhile;
    private boolean sealed;

    StepTally(int step, long measuredFrom, long measuredUntil) {
        this.step = step;
        this.measuredFrom = measuredFrom;
        this.measuredUntil = measuredUntil;
    }

    private boolean measures(long intendedNanos) {
        return intendedNanos >= measuredFrom && intendedNanos < measuredUntil;
    }

    synchronized void sent(long intendedNanos) {
        if (measures(intendedNanos)) {
            offered++;
        }
    }

    synchronized void answered(long intendedNanos, long answeredNanos, boolean ok) {
        if (sealed) {
            return;
        }
        if (answeredNanos >= measuredFrom && answeredNanos < measuredUntil) {
            answeredMeanwhile++;
        }
        if (measures(intendedNanos)) {
            posts.record(answeredNanos - intendedNanos);
            answered++;
            if (!ok) {
                failed++;
            }
        }
    }

    synchronized void readable(long intendedNanos, long acceptedNanos, long readableNanos) {
        if (!sealed && measures(intendedNanos)) {
            readable.record(readableNanos - acceptedNanos);
        }
    }

    synchronized boolean allAnswered() {
        return answered == offered;
    }

    /**
     * @param atStart      the persister's backlog as the measured part began; null for a system without one
     * @param atEnd        and as it ended
     * @param drainSeconds NaN when there is no persister, or its backlog did not drain within the measured part's length
     */
    synchronized StepResult seal(StormSystem.Kind kind, long addedLatencyMillis, PipelineWatcher.Backlog atStart, PipelineWatcher.Backlog atEnd,
            double drainSeconds) {
        sealed = true;
        long lagAtEnd = atEnd == null ? -1 : atEnd.behind();
        double storedShare = Double.NaN;
        if (atStart != null && atEnd != null) {
            long published = atEnd.published() - atStart.published();
            storedShare = published == 0 ? 1 : (double) (published - (atEnd.behind() - atStart.behind())) / published;
        }
        double seconds = (measuredUntil - measuredFrom) / 1e9;
        double offeredRate = offered / seconds;
        double answeredRate = answeredMeanwhile / seconds;
        double p99 = posts.percentileMillis(99);
        long unanswered = offered - answered;
        StepResult.Verdict verdict;
        if (unanswered > 0 || answeredRate < SweepSettings.KEEP_UP_SHARE * offeredRate) {
            verdict = StepResult.Verdict.SATURATED;
        } else if (failed > 0) {
            verdict = StepResult.Verdict.FAILED_POSTS;
        } else if (!(p99 <= SweepSettings.P99_BOUND_MILLIS)) {
            verdict = StepResult.Verdict.P99_ABOVE_BOUND;
        } else if (lagAtEnd >= 0 && (storedShare < SweepSettings.KEEP_UP_SHARE || Double.isNaN(drainSeconds))) {
            verdict = StepResult.Verdict.PERSISTER_BEHIND;
        } else {
            verdict = StepResult.Verdict.SUSTAINED;
        }
        return new StepResult(kind, addedLatencyMillis, step, offeredRate, answeredRate, posts.percentileMillis(50), p99,
                posts.percentileMillis(99.9), posts.fractionAbove(SweepSettings.P99_BOUND_MILLIS), failed, unanswered, storedShare, lagAtEnd, drainSeconds,
                readable.percentileMillis(99), verdict);
    }
}
