package dev.chatsync.faults.inject;

import dev.chatsync.faults.processes.Pipeline;

/**
 * kill -9 of a persister, wherever it is in its batch (between the database commit and Kafka's, say),
 * and a new one in its place, as an orchestrator restarts a crashed container.
 */
public record PersisterKill(int round) implements Fault {

    @Override
    public String name() {
        return "persister kill -9 #" + round;
    }

    @Override
    public void inject(Pipeline pipeline) throws InterruptedException {
        pipeline.persisters().killOne();
        Thread.sleep(1000);
        pipeline.persisters().add(1);
    }
}
