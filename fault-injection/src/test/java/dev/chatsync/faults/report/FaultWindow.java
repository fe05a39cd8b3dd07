package dev.chatsync.faults.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One fault as it happened: injected at {@code start}, repaired at {@code repaired}, and recovered
 * once the persisters had stored everything Kafka held at the repair (empty if they had not within
 * the time allowed). Its window runs from the start to the recovery.
 */
public record FaultWindow(String fault, Instant start, Instant repaired, Optional<Duration> recovery, Instant end) {

    public boolean contains(Instant moment) {
        return moment != null && !moment.isBefore(start) && !moment.isAfter(end);
    }
}
