package dev.chatsync.persister.health;

import java.time.Instant;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether batches are reaching the database. While a batch is being retried the persister is DOWN with
 * the last error: consumption is paused, lag grows, and operators should look (Neon suspended, network,
 * credentials). The first committed batch brings it back UP.
 */
@Component("databaseWrites")
public class DatabaseWriteHealth implements HealthIndicator {

    private record Failing(String error, Instant since, long attempts) {
    }

    private volatile Failing failing;

    public void batchFailed(Exception error) {
        Failing current = failing;
        String description = error.getClass().getName() + ": " + error.getMessage();
        failing = current == null
                ? new Failing(description, Instant.now(), 1)
                : new Failing(description, current.since(), current.attempts() + 1);
    }

    public void batchCommitted() {
        failing = null;
    }

    @Override
    public Health health() {
        Failing current = failing;
        if (current == null) {
            return Health.up().build();
        }
        return Health.down()
                .withDetail("error", current.error())
                .withDetail("failingSince", current.since().toString())
                .withDetail("attempts", current.attempts())
                .build();
    }
}
