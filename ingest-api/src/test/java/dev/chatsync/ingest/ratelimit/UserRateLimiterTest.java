package dev.chatsync.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class UserRateLimiterTest {

    // evictions run where the limiter is used, so which buckets remain is deterministic

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

    @Test
    void aUsersConcurrentRequestsNeverShareAToken() throws Exception {
        UserRateLimiter limiter = new UserRateLimiter(new RateLimitProperties(1_000, 0.001, 100), now::get);
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> requests = IntStream.range(0, 4_000)
                    .<Future<?>>mapToObj(i -> threads.submit(() -> {
                        if (limiter.acquire("alice") == 0) {
                            admitted.incrementAndGet();
                        }
                    }))
                    .toList();
            for (Future<?> request : requests) {
                request.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(admitted).hasValue(1_000);
    }
}
