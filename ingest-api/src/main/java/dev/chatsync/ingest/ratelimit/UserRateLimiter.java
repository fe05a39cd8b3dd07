package dev.chatsync.ingest.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** One token bucket per user, at most {@code maxUsers} of them (least recently used dropped first). */
final class UserRateLimiter {

    private final RateLimitProperties properties;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets;

    UserRateLimiter(RateLimitProperties properties, LongSupplier nanoClock) {
        this.properties = properties;
        this.nanoClock = nanoClock;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                return size() > properties.maxUsers();
            }
        };
    }

    /** 0 when the user may proceed, otherwise nanoseconds until they may. */
    synchronized long acquire(String userId) {
        long now = nanoClock.getAsLong();
        return buckets.computeIfAbsent(userId, id -> new TokenBucket(properties.capacity(), properties.refillPerSecond(), now))
                .tryTake(now);
    }

    synchronized int size() {
        return buckets.size();
    }
}
