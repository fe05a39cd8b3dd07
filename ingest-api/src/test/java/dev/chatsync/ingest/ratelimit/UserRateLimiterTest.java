package dev.chatsync.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class UserRateLimiterTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void usersHaveBucketsOfTheirOwn() {
        UserRateLimiter limiter = new UserRateLimiter(new RateLimitProperties(1, 0.001, 100), now::get);
        assertThat(limiter.acquire("alice")).isZero();
        assertThat(limiter.acquire("alice")).isPositive();
        assertThat(limiter.acquire("bob")).isZero();
    }

    @Test
    void keepsAtMostMaxUsersBuckets() {
        UserRateLimiter limiter = new UserRateLimiter(new RateLimitProperties(1, 0.001, 3), now::get);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("user_" + i);
        }
        assertThat(limiter.size()).isEqualTo(3);
        // the evicted user starts over with a full bucket: lenient, never stricter than configured
        assertThat(limiter.acquire("user_0")).isZero();
    }
}
