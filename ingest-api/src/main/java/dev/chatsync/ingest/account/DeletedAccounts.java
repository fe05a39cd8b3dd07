package dev.chatsync.ingest.account;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.chatsync.ingest.read.JdbcScheduler;
import reactor.core.publisher.Mono;

/**
 * Whether an account was deleted, as far as this instance knows: deleted_users looked up on the JDBC
 * scheduler (never on an event loop), remembered with Caffeine, deletions for good (Clerk never reuses
 * user ids), live accounts for {@link DeletedAccountsProperties#liveFor()}. Deletions this instance
 * published are known at once. This only spares a deleted account's client a 202 for a write that
 * cannot be kept: when the lookup is slow or the database away, the answer is "alive", because the
 * persister drops every event of a deleted account whatever the API said.
 */
@Component
public class DeletedAccounts {

    private static final Logger log = LoggerFactory.getLogger(DeletedAccounts.class);

    private static final String DELETED = """
            SELECT EXISTS (SELECT 1 FROM deleted_users WHERE user_id = :userId)
            """;

    private final JdbcClient jdbc;
    private final JdbcScheduler scheduler;
    private final DeletedAccountsProperties properties;
    private final AsyncCache<String, Boolean> known;

    DeletedAccounts(JdbcClient jdbc, JdbcScheduler scheduler, DeletedAccountsProperties properties) {
        this.jdbc = jdbc;
        this.scheduler = scheduler;
        this.properties = properties;
        long liveNanos = properties.liveFor().toNanos();
        this.known = Caffeine.newBuilder()
                .maximumSize(Math.max(1, properties.maxUsers()))
                .expireAfter(new Expiry<String, Boolean>() {
                    @Override
                    public long expireAfterCreate(String userId, Boolean deleted, long currentTime) {
                        return deleted ? Long.MAX_VALUE : liveNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String userId, Boolean deleted, long currentTime, long currentDuration) {
                        return expireAfterCreate(userId, deleted, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String userId, Boolean deleted, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .executor(Runnable::run)
                .buildAsync();
    }

    /** Never fails: an account that cannot be looked up in time counts as alive. */
    public Mono<Boolean> isDeleted(String userId) {
        CompletableFuture<Boolean> lookup = known.get(userId, (id, executor) -> scheduler.run(() -> lookUp(id)).toFuture());
        return Mono.fromFuture(lookup, true)
                .timeout(properties.lookupTimeout())
                .onErrorResume(failure -> {
                    log.debug("deleted_users lookup of {} failed, taken as alive: {}", userId, failure.toString());
                    return Mono.just(false);
                });
    }

    /** Called once this instance published the account's deletion. */
    public void deleted(String userId) {
        known.put(userId, CompletableFuture.completedFuture(true));
    }

    private boolean lookUp(String userId) {
        return Boolean.TRUE.equals(jdbc.sql(DELETED).param("userId", userId).query(Boolean.class).single());
    }
}
