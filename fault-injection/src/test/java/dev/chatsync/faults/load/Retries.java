package dev.chatsync.faults.load;

import java.util.Random;

/** When a device tries a write again: a 503's Retry-After, otherwise exponential backoff with jitter. */
final class Retries {

    private static final long FIRST_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 4000;

    private final Random random;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;

    Retries(Random random) {
        this.random = random;
    }

    void reset() {
        backoffMillis = FIRST_BACKOFF_MILLIS;
    }

    void await(ApiClient.Answer answer) throws InterruptedException {
        if (answer.retryAfterSeconds().isPresent()) {
            Thread.sleep(answer.retryAfterSeconds().getAsLong() * 1000 + random.nextInt(250));
            return;
        }
        Thread.sleep(backoffMillis / 2 + random.nextLong(backoffMillis / 2 + 1));
        backoffMillis = Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
    }
}
