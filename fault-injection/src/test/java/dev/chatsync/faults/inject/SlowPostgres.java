package dev.chatsync.faults.inject;

import java.time.Duration;

import dev.chatsync.faults.processes.Pipeline;

/** Latency added to every round trip of every persister connection, as a distant or overloaded database. */
public record SlowPostgres(Duration latency, Duration length) implements Fault {

    @Override
    public String name() {
        return "Postgres +" + latency.toMillis() + " ms for " + length.toSeconds() + " s";
    }

    @Override
    public void inject(Pipeline pipeline) throws InterruptedException {
        pipeline.postgresRelay().delay(latency);
        try {
            Thread.sleep(length.toMillis());
        } finally {
            pipeline.postgresRelay().delay(Duration.ZERO);
        }
    }
}
