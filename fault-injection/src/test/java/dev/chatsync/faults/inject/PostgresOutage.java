package dev.chatsync.faults.inject;

import java.time.Duration;

import dev.chatsync.faults.processes.Pipeline;

/** Postgres stopped (as Neon suspends or fails over) for a while, then started again on the same data. */
public record PostgresOutage(Duration length) implements Fault {

    @Override
    public String name() {
        return "Postgres stopped " + length.toSeconds() + " s";
    }

    @Override
    public void inject(Pipeline pipeline) throws InterruptedException {
        pipeline.postgres().stop();
        Thread.sleep(length.toMillis());
        pipeline.postgres().start();
    }
}
