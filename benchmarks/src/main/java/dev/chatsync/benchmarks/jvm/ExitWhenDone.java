package dev.chatsync.benchmarks.jvm;

/**
 * How a benchmark's main ends: the JVM exits either way, because the embedded broker's threads would
 * otherwise keep Maven's JVM alive after a failure, loading the machine the next run measures on.
 */
public final class ExitWhenDone {

    /** A benchmark's body. */
    @FunctionalInterface
    public interface Benchmark {
        void run() throws Exception;
    }

    private ExitWhenDone() {
    }

    /** Runs the benchmark, then exits with 0, or with 1 after printing what failed. */
    public static void run(Benchmark benchmark) {
        try {
            benchmark.run();
        } catch (Throwable failure) {
            failure.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }
}
