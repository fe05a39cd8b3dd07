package dev.chatsync.benchmarks.sync;

import java.util.Locale;

/** Progress lines while the benchmark runs, each with the time since it started. */
public final class Progress {

    private static final long STARTED = System.nanoTime();

    private Progress() {
    }

    public static void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - STARTED) / 1e9, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
