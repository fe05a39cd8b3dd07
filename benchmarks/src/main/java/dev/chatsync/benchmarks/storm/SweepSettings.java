package dev.chatsync.benchmarks.storm;

import java.time.Duration;

/**
 * The sweep's sizes, each {@code -Dsweep.*} property declared here once with its default (the full
 * run); how the systems are started comes from {@link StormSystem.Settings}.
 *
 * @param users       users sending, each into a conversation of their own per step
 * @param startRate   POSTs per second of the first step, and of the warm-up before it
 * @param factor      each step's rate over the one before
 * @param maxSteps    a sweep ends after this many steps even when every one was sustained
 * @param warmUp      steady chat at the start rate before the first step, not measured: the API's JIT
 * @param settle      each step's rate held before its measured part, not measured
 * @param measured    each step's measured part; also how long a backlog left at its end may take to drain
 */
record SweepSettings(int users, double startRate, double factor, int maxSteps, Duration warmUp, Duration settle, Duration measured,
        long seed) {

    /** The target's bound on POST p99. */
    static final long P99_BOUND_MILLIS = 100;
    /**
     * A step whose API answered less of what it was offered while it ran, or whose persister stored
     * less of what was published meanwhile, is saturated: a queue grew.
     */
    static final double KEEP_UP_SHARE = 0.9;

    static SweepSettings fromProperties() {
        return new SweepSettings(
                Integer.getInteger("sweep.users", 1000),
                Double.parseDouble(System.getProperty("sweep.startRate", "200")),
                Double.parseDouble(System.getProperty("sweep.factor", "1.4")),
                Integer.getInteger("sweep.maxSteps", 15),
                Duration.ofSeconds(Integer.getInteger("sweep.warmUpSeconds", 90)),
                Duration.ofSeconds(Integer.getInteger("sweep.settleSeconds", 5)),
                Duration.ofSeconds(Integer.getInteger("sweep.stepSeconds", 20)),
                Long.getLong("sweep.seed", 1));
    }

    double rate(int step) {
        return startRate * Math.pow(factor, step);
    }
}
