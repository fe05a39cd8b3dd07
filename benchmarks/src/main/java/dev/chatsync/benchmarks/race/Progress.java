package dev.chatsync.benchmarks.race;

import java.util.Locale;
import java.util.function.Supplier;

/** Progress lines while the race runs, each with the time since it started, at most one per interval from {@link #maybe}. */
final class Progress {

    private final long started = System.nanoTime();
    private final long intervalNanos;
    private long last = System.nanoTime();

    Progress(int intervalSeconds) {
        this.intervalNanos = intervalSeconds * 1_000_000_000L;
    }

    void say(String format, Object... args) {
        last = System.nanoTime();
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (last - started) / 1e9, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    void maybe(Supplier<String> line) {
        if (System.nanoTime() - last >= intervalNanos) {
            say("%s", line.get());
        }
    }
}
