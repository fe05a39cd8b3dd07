package dev.chatsync.benchmarks.sync;

import java.time.Duration;
import java.util.Locale;

/**
 * CPU of the API's JVM over some requests: its JIT compilers apart from the rest (the requests, and
 * the garbage collection they cause). On 2 cores the compilers are still busy for minutes after the
 * warm-up, so their share says how far from steady state the figure beside it is.
 */
record ApiCpu(Duration compilers, Duration rest) {

    static final ApiCpu NONE = new ApiCpu(Duration.ZERO, Duration.ZERO);

    ApiCpu since(ApiCpu earlier) {
        return new ApiCpu(compilers.minus(earlier.compilers), rest.minus(earlier.rest));
    }

    ApiCpu plus(ApiCpu other) {
        return new ApiCpu(compilers.plus(other.compilers), rest.plus(other.rest));
    }

    /** "x ms of API CPU each (and y ms of JIT compiling)" over {@code count} requests or catch-ups. */
    String per(long count, String what) {
        double n = Math.max(1, count);
        return String.format(Locale.ROOT, "%.2f ms of API CPU per %s (and %.2f ms of JIT compiling meanwhile)",
                rest.toNanos() / 1e6 / n, what, compilers.toNanos() / 1e6 / n);
    }
}
