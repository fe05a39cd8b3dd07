package dev.chatsync.faults.inject;

import java.time.Duration;

import dev.chatsync.faults.processes.Pipeline;

/** The persister group scaled out to three members and, once they share the partitions, back in: two rebalances each way. */
public record GroupScaling(Duration atThree) implements Fault {

    @Override
    public String name() {
        return "persisters 1 → 3 → 1";
    }

    @Override
    public void inject(Pipeline pipeline) throws InterruptedException {
        int before = pipeline.persisters().size();
        pipeline.persisters().add(3 - before);
        Thread.sleep(atThree.toMillis());
        while (pipeline.persisters().size() > before) {
            pipeline.persisters().stopOne();
        }
    }
}
