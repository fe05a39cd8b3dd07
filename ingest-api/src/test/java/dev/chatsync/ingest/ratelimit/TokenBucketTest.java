package dev.chatsync.ingest.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsABurstOfCapacityThenSaysHowLongToWait() {
        TokenBucket bucket = new TokenBucket(3, 1.0, 0);
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isZero();
        assertThat(bucket.tryTake(0)).isEqualTo(SECOND);
        assertThat(bucket.tryTake(SECOND / 2)).isEqualTo(SECOND / 2);
    }

    @Test
    void refillsAtTheConfiguredRateUpToCapacity() {
        TokenBucket bucket = new TokenBucket(2, 2.0, 0);
        bucket.tryTake(0);
        bucket.tryTake(0);
        assertThat(bucket.tryTake(SECOND / 2)).isZero();
        assertThat(bucket.tryTake(SECOND / 2)).isPositive();
        // a long idle period refills to capacity, not beyond
        long later = 100 * SECOND;
        assertThat(bucket.tryTake(later)).isZero();
        assertThat(bucket.tryTake(later)).isZero();
        assertThat(bucket.tryTake(later)).isPositive();
    }

    @Test
    void aClockGoingBackwardsGrantsNothingExtra() {
        TokenBucket bucket = new TokenBucket(1, 1.0, 10 * SECOND);
        assertThat(bucket.tryTake(10 * SECOND)).isZero();
        assertThat(bucket.tryTake(5 * SECOND)).isPositive();
    }
}
