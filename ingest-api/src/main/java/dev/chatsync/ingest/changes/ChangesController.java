package dev.chatsync.ingest.changes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.changes.ChangesFeedProperties;
import dev.chatsync.ingest.changes.ChangeWatcher.Outcome;
import dev.chatsync.ingest.changes.ChangesFeed.ChangedConversation;
import dev.chatsync.ingest.changes.ChangesFeed.DeletedConversation;
import dev.chatsync.ingest.changes.ChangesFeed.FeedPage;
import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.JdbcScheduler;
import dev.chatsync.ingest.read.PageLimit;
import dev.chatsync.ingest.read.ReadProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import reactor.core.publisher.Mono;

/**
 * GET /api/changes: what changed for the caller after a cursor, for a device that follows another
 * one's writes. No ETag: the cursor is the validator, and an unchanged feed is an empty page read by
 * one statement that, like a 304, touches no message row.
 */
@RestController
class ChangesController {

    private static final int MAX_WAIT_SECONDS = 30;
    private static final Pattern WAIT = Pattern.compile("[0-9]{1,2}");

    private final ChangesFeed feed;
    private final ChangeWatcher watcher;
    private final JdbcScheduler jdbc;
    private final ReadProperties pages;
    private final Duration retention;
    private final Counter requests;
    private final Counter longPolls;
    private final DistributionSummary rows;

    ChangesController(ChangesFeed feed, ChangeWatcher watcher, JdbcScheduler jdbc, ReadProperties pages,
            ChangesFeedProperties changes, MeterRegistry meters) {
        this.feed = feed;
        this.watcher = watcher;
        this.jdbc = jdbc;
        this.pages = pages;
        this.retention = changes.tombstoneRetention();
        this.requests = Counter.builder("chatsync.ingest.changes.requests").tag("wait", "false")
                .description("Pages of the changes feed asked for").register(meters);
        this.longPolls = Counter.builder("chatsync.ingest.changes.requests").tag("wait", "true")
                .description("Pages of the changes feed asked for").register(meters);
        this.rows = DistributionSummary.builder("chatsync.ingest.changes.rows")
                .description("Feed rows (conversations, messages, tombstones) per page answered").register(meters);
    }

    @Operation(summary = "The caller's changes after a cursor",
            description = "Conversations changed after `since` (current metadata, and those of their messages inserted or updated since, "
                    + "in conversation order) and conversations deleted since, in the order they were stored, at most `limit` feed rows "
                    + "(a conversation, a message or a deletion each). Apply `deleted` before `conversations`: a conversation deleted and "
                    + "created again is in both. Pass `nextCursor` back as `since`; `hasMore` says whether to ask again at once. "
                    + "Without `since`, from the beginning. With `wait`, an empty page waits up to that many seconds for a change. "
                    + "410 when the cursor is older than the tombstone retention: reload in full, by the feed without `since`.")
    @GetMapping(path = "/api/changes", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<ChangesPage> changes(@AuthenticationPrincipal Jwt caller,
            @Parameter(description = "nextCursor of the previous page; absent: from the beginning") @RequestParam(required = false) String since,
            @Parameter(description = "Feed rows per page, 1 to the configured maximum") @RequestParam(required = false) String limit,
            @Parameter(description = "Seconds an empty page may wait for a change, 0 to 30") @RequestParam(required = false) String wait) {
        String userId = caller.getSubject();
        List<FieldViolation> violations = new ArrayList<>();
        Optional<FeedCursor> cursor = Optional.empty();
        if (since != null) {
            cursor = FeedCursor.parse(since);
            if (cursor.isEmpty()) {
                violations.add(new FieldViolation("since", "cursor", "not a cursor this API returned"));
            }
        }
        int size = PageLimit.parse(limit, pages, violations);
        int waitSeconds = 0;
        if (wait != null) {
            waitSeconds = WAIT.matcher(wait).matches() ? Integer.parseInt(wait) : -1;
            if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
                violations.add(new FieldViolation("wait", "range", "whole seconds from 0 to " + MAX_WAIT_SECONDS));
            }
        }
        if (!violations.isEmpty()) {
            return Mono.error(ProblemException.invalid(violations));
        }
        if (cursor.isPresent() && cursor.get().issued().plus(retention).isBefore(Instant.now())) {
            return Mono.error(expired());
        }
        (waitSeconds > 0 ? longPolls : requests).increment();
        FeedKey after = cursor.map(FeedCursor::key).orElse(FeedKey.START);
        boolean resumed = cursor.isPresent();
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        return jdbc.run(() -> feed.page(userId, after, size))
                .flatMap(page -> resumed && page.prunedPast(after) ? Mono.<FeedPage>error(expired()) : untilChanged(userId, page, size, deadline))
                .map(page -> {
                    rows.record(page.rows());
                    return new ChangesPage(page.conversations(), page.deleted(), new FeedCursor(page.next(), Instant.now()).encode(), page.more());
                });
    }

    // The next read starts where the empty page ended, just below the horizon it was read at: a stamp
    // the watcher finds past it, below its own horizon, is a row that read returns.
    private Mono<FeedPage> untilChanged(String userId, FeedPage page, int size, long deadline) {
        long left = deadline - System.nanoTime();
        if (!page.isEmpty() || left <= 0) {
            return Mono.just(page);
        }
        return watcher.changeAfter(userId, page.next().xid(), Duration.ofNanos(left))
                .flatMap(outcome -> outcome != Outcome.CHANGED ? Mono.just(page)
                        : jdbc.run(() -> feed.page(userId, page.next(), size)).flatMap(next -> untilChanged(userId, next, size, deadline)));
    }

    private static ProblemException expired() {
        return ProblemException.gone("since", "expired",
                "This cursor is older than the deletions the feed keeps: reload in full (the feed without since) and follow on from its cursor.");
    }

    record ChangesPage(List<ChangedConversation> conversations, List<DeletedConversation> deleted, String nextCursor, boolean hasMore) {
    }
}
