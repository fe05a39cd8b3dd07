package dev.chatsync.ingest.ratelimit;

/** A token bucket on a caller-supplied clock (nanoseconds), so tests need no sleeping. Not thread-safe. */
final class TokenBucket {

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long updatedAt;

    TokenBucket(int capacity, double refillPerSecond, long now) {
        this.capacity = capacity;
        this.tokensPerNano = refillPerSecond / 1e9;
        this.tokens = capacity;
        this.updatedAt = now;
    }

    /** Takes one token; returns 0 when there was one, otherwise the nanoseconds until there will be. */
    long tryTake(long now) {
        if (now > updatedAt) {
            tokens = Math.min(capacity, tokens + (now - updatedAt) * tokensPerNano);
            updatedAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }
}
