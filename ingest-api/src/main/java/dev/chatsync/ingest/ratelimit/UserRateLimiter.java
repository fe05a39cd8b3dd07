package dev.chatsync.ingest.ratelimit;

import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** One token bucket per user, at most {@code maxUsers} of them. */
final class UserRateLimiter {

    private final RateLimitProperties properties;
    private final LongSupplier nanoClock;
    private final Cache<String, TokenBucket> buckets;

    UserRateLimiter(RateLimitProperties properties, LongSupplier nanoClock) {
        this.properties = properties;
        this.nanoClock = nanoClock;
        // evicting on the calling thread: handing the upkeep to the common pool costs thread wake-ups
        // on a small machine, and eviction becomes deterministic
        this.buckets = Caffeine.newBuilder().maximumSize(properties.maxUsers()).executor(Runnable::run).build();
    }

    /** 0 when the user may proceed, otherwise nanoseconds until they may. */
    long acquire(String userId) {
        TokenBucket bucket = buckets.get(userId, id -> new TokenBucket(properties.capacity(), properties.refillPerSecond(), nanoClock.getAsLong()));
        // a user's own concurrent requests take turns; nobody else's wait
        synchronized (bucket) {
            return bucket.tryTake(nanoClock.getAsLong());
        }
    }

    int size() {
        buckets.cleanUp();
        return (int) buckets.estimatedSize();
    }
}
