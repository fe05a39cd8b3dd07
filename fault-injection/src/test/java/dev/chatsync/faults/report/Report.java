package dev.chatsync.faults.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.chatsync.faults.load.Exchange;
import dev.chatsync.faults.verdict.Finding;
import dev.chatsync.faults.verdict.Verdict;

/**
 * The run as a table, one row per fault and one for the whole run: when it started (seconds into the
 * load), the writes acknowledged during its window, the acknowledged messages of that window lost or
 * duplicated, how long until the backlog was stored again, and the API's 503s and longest response
 * of requests sent in it.
 */
public final class Report {

    private static final String ROW = "| %-32s | %7s | %6s | %4s | %4s | %12s | %5s | %9s |%n";

    private Report() {
    }

    public static String table(Instant loadStart, List<FaultWindow> windows, List<Instant> acknowledgements, List<Exchange> exchanges, Verdict verdict) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(ROW, "fault", "at", "acked", "lost", "dup", "recovered in", "503s", "longest"));
        table.append(String.format(ROW, "-".repeat(32), "-".repeat(7), "-".repeat(6), "-".repeat(4), "-".repeat(4), "-".repeat(12), "-".repeat(5), "-".repeat(9)));
        for (FaultWindow window : windows) {
            Predicate<Instant> in = window::contains;
            table.append(row(window.fault(), seconds(Duration.between(loadStart, window.start())), in, acknowledgements, exchanges, verdict,
                    window.recovery().map(Report::seconds).orElse("NOT"), false));
        }
        table.append(row("whole run", "", moment -> true, acknowledgements, exchanges, verdict, "", true));
        return table.toString();
    }

    private static String row(String name, String at, Predicate<Instant> in, List<Instant> acknowledgements, List<Exchange> exchanges,
                              Verdict verdict, String recovered, boolean wholeRun) {
        long acked = acknowledgements.stream().filter(in).count();
        long lost = count(verdict.lost(), in, wholeRun);
        long duplicated = count(verdict.duplicated(), in, wholeRun);
        List<Exchange> sent = new ArrayList<>(exchanges.stream().filter(exchange -> in.test(exchange.sentAt())).toList());
        long unavailable = sent.stream().filter(Exchange::unavailable).count();
        Duration longest = sent.stream().map(Exchange::took).max(Duration::compareTo).orElse(Duration.ZERO);
        return String.format(ROW, name, at, acked, lost, duplicated, recovered, unavailable, longest.toMillis() + " ms");
    }

    /** Findings of the window; on the whole-run row, also those that belong to no write (a user's rate_limits). */
    private static long count(List<Finding> findings, Predicate<Instant> in, boolean wholeRun) {
        return findings.stream().filter(finding -> finding.acknowledgedAt() == null ? wholeRun : in.test(finding.acknowledgedAt())).count();
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
