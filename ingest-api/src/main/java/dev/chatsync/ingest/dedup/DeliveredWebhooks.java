package dev.chatsync.ingest.dedup;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The webhook deliveries (by svix-id) this instance took recently, so a replayed one is acknowledged
 * without being published again. A delivery is only accepted while its timestamp is within the
 * tolerance of now, so remembering an id for twice the tolerance covers every replay that could pass
 * the signature check. Deliveries reaching another instance, or arriving after the window (Svix retries
 * over days when an answer was lost), are published again: every account event is idempotent in the
 * persister, so a second copy changes nothing.
 */
public final class DeliveredWebhooks {

    private final Cache<String, Boolean> claimed;

    public DeliveredWebhooks(Duration tolerance, int maxIds) {
        this.claimed = Caffeine.newBuilder()
                .maximumSize(Math.max(1, maxIds))
                .expireAfterWrite(tolerance.multipliedBy(2))
                .executor(Runnable::run)
                .build();
    }

    /** True for the first claim of the id; false while an earlier claim of it is remembered. */
    public boolean claim(String svixId) {
        return claimed.asMap().putIfAbsent(svixId, Boolean.TRUE) == null;
    }

    /** Forgets a claim whose delivery failed (not published), so Svix's retry of it is taken. */
    public void release(String svixId) {
        claimed.invalidate(svixId);
    }
}
