package dev.chatsync.faults.inject;

import dev.chatsync.faults.processes.Pipeline;

/**
 * kill -9 of the API with requests in flight, and a new process on its address. Clients retry what it
 * did not acknowledge, so an event it published and never answered for lands in Kafka twice.
 */
public record ApiKill() implements Fault {

    @Override
    public String name() {
        return "API kill -9";
    }

    @Override
    public void inject(Pipeline pipeline) {
        pipeline.api().killAndRestart();
    }
}
