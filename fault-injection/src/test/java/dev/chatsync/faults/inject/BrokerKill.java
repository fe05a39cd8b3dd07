package dev.chatsync.faults.inject;

import java.time.Duration;

import dev.chatsync.faults.processes.Pipeline;

/**
 * The broker killed with SIGKILL, away for a while, then started again on its log: the API must answer
 * 503 with Retry-After meanwhile, and everything it acknowledged before must still be there.
 */
public record BrokerKill(Duration away) implements Fault {

    @Override
    public String name() {
        return "broker SIGKILL, " + away.toSeconds() + " s away";
    }

    @Override
    public void inject(Pipeline pipeline) throws InterruptedException {
        pipeline.broker().kill();
        Thread.sleep(away.toMillis());
        pipeline.broker().start();
    }
}
