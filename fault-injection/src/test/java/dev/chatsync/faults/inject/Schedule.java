package dev.chatsync.faults.inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.chatsync.faults.processes.Pipeline;
import dev.chatsync.faults.report.FaultWindow;

/**
 * Faults one after another: each is injected and repaired, then the schedule waits until the backlog
 * it left is stored (the recovery), lets the pipeline run undisturbed for a moment, and goes on.
 */
public final class Schedule {

    private final List<Fault> faults;
    private final Duration calm;
    private final Duration recoveryTimeout;

    public Schedule(List<Fault> faults, Duration calm, Duration recoveryTimeout) {
        this.faults = faults;
        this.calm = calm;
        this.recoveryTimeout = recoveryTimeout;
    }

    public List<FaultWindow> run(Pipeline pipeline) throws Exception {
        List<FaultWindow> windows = new ArrayList<>();
        for (Fault fault : faults) {
            System.out.println("fault-injection: " + fault.name());
            Instant start = Instant.now();
            fault.inject(pipeline);
            Instant repaired = Instant.now();
            Map<Integer, Long> backlog = pipeline.backlog().awaitEndOffsets(recoveryTimeout);
            Optional<Duration> stored = pipeline.backlog().awaitStored(backlog, recoveryTimeout);
            Instant end = Instant.now();
            windows.add(new FaultWindow(fault.name(), start, repaired, stored.map(s -> Duration.between(start, end)), end));
            Thread.sleep(calm.toMillis());
        }
        return windows;
    }
}
