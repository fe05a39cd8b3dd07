package dev.chatsync.faults.load;

import java.time.Duration;
import java.time.Instant;

/**
 * One request of the load and how it ended: answered (with its status and, for a 503, whether it
 * said when to come back), refused or cut (the connection failed), or timed out (the client gave up: a hang).
 */
public record Exchange(Instant sentAt, Duration took, Outcome outcome, int status, boolean retryAfter) {

    public enum Outcome { ANSWERED, CONNECTION_FAILED, TIMED_OUT }

    static Exchange answered(Instant sentAt, Duration took, int status, boolean retryAfter) {
        return new Exchange(sentAt, took, Outcome.ANSWERED, status, retryAfter);
    }

    static Exchange failed(Instant sentAt, Duration took, Outcome outcome) {
        return new Exchange(sentAt, took, outcome, 0, false);
    }

    public boolean unavailable() {
        return outcome == Outcome.ANSWERED && status == 503;
    }
}
