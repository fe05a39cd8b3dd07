package dev.chatsync.benchmarks.storm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * The product's own traffic, for {@code users} users with {@code conversations} conversations of
 * {@code messages} messages each (stored before the run): every user adds a message to the
 * conversation they are in every {@code messageEvery} or so and the client saves it {@link #DEBOUNCE}
 * later, as the browser client's debounced auto-save does (the whole conversation, or only the new
 * message with {@code changedOnly}); in the storm window every conversation is also re-sent whole,
 * once, at a random moment: the five-minute background sync of all of them compressed into it.
 * The same seed gives every system the same schedule.
 */
record StormWorkload(int users, int conversations, int messages, Duration messageEvery, boolean changedOnly,
        Duration warmUp, Duration steady, Duration storm, Duration after, long seed) {

    static final Duration DEBOUNCE = Duration.ofSeconds(2);
    private static final long SENT = Long.MAX_VALUE;

    /** One POST of the schedule: messages [from, to) of a user's conversation, sent {@code atNanos} after the run's start. */
    record Post(long atNanos, int user, int conversation, int from, int to, boolean resync) {
    }

    long stormStartNanos() {
        return warmUp.plus(steady).toNanos();
    }

    long stormEndNanos() {
        return warmUp.plus(steady).plus(storm).toNanos();
    }

    long endNanos() {
        return warmUp.plus(steady).plus(storm).plus(after).toNanos();
    }

    Phase phaseAt(long nanos) {
        if (nanos < warmUp.toNanos()) {
            return Phase.WARM_UP;
        }
        if (nanos < stormStartNanos()) {
            return Phase.STEADY;
        }
        return nanos < stormEndNanos() ? Phase.STORM : Phase.AFTER;
    }

    long phaseStartNanos(Phase phase) {
        return switch (phase) {
            case WARM_UP -> 0;
            case STEADY -> warmUp.toNanos();
            case STORM -> stormStartNanos();
            case AFTER -> stormEndNanos();
        };
    }

    long phaseNanos(Phase phase) {
        return switch (phase) {
            case WARM_UP -> warmUp.toNanos();
            case STEADY -> steady.toNanos();
            case STORM -> storm.toNanos();
            case AFTER -> after.toNanos();
        };
    }

    /** Every POST of a run in the order they are sent. */
    List<Post> schedule() {
        Random random = new Random(seed);
        List<Post> posts = new ArrayList<>();
        long every = messageEvery.toNanos();
        long lastMessage = endNanos() - DEBOUNCE.toNanos();
        for (int user = 0; user < users; user++) {
            int[] sizes = new int[conversations];
            Arrays.fill(sizes, messages);
            long[] resyncAt = new long[conversations];
            for (int c = 0; c < conversations; c++) {
                resyncAt[c] = stormStartNanos() + (long) (random.nextDouble() * storm.toNanos());
            }
            int current = random.nextInt(conversations);
            for (long at = (long) (random.nextDouble() * every); at < lastMessage; at += (long) (every * (0.5 + random.nextDouble()))) {
                resyncsUntil(at, user, sizes, resyncAt, posts);
                if (random.nextInt(10) == 0) {
                    current = random.nextInt(conversations);
                }
                int from = changedOnly ? sizes[current] : 0;
                sizes[current]++;
                posts.add(new Post(at + DEBOUNCE.toNanos(), user, current, from, sizes[current], false));
            }
            resyncsUntil(endNanos(), user, sizes, resyncAt, posts);
        }
        posts.sort(Comparator.comparingLong(Post::atNanos));
        return posts;
    }

    private void resyncsUntil(long at, int user, int[] sizes, long[] resyncAt, List<Post> posts) {
        for (int c = 0; c < conversations; c++) {
            if (resyncAt[c] <= at) {
                posts.add(new Post(resyncAt[c], user, c, 0, sizes[c], true));
                resyncAt[c] = SENT;
            }
        }
    }
}
