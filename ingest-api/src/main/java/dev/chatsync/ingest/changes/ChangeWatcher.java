package dev.chatsync.ingest.changes;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.chatsync.ingest.read.JdbcScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Wakes long polls of the changes feed. Waiting holds neither a thread nor a connection: a waiter is
 * a sink and a timer. One poll, one statement for every waiting user, runs on the JDBC read scheduler
 * each interval, and only while someone waits; it wakes the waiters whose user has a change stamped
 * past their cursor and below the horizon, which then read their page.
 */
@Component
class ChangeWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);

    /** How a wait ended. */
    enum Outcome { CHANGED, TIMED_OUT, REFUSED }

    private record Waiter(String userId, long afterXid, Sinks.One<Outcome> outcome) {
    }

    private final ChangesFeed feed;
    private final JdbcScheduler jdbc;
    private final LongPollProperties properties;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Counter polls;
    private volatile boolean running = true;
    private volatile boolean failing;

    ChangeWatcher(ChangesFeed feed, JdbcScheduler jdbc, LongPollProperties properties, MeterRegistry meters) {
        this.feed = feed;
        this.jdbc = jdbc;
        this.properties = properties;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, Counter.builder("chatsync.ingest.changes.waits").tag("outcome", outcome.name().toLowerCase())
                    .description("Long polls of the changes feed by how their wait ended").register(meters));
        }
        this.polls = Counter.builder("chatsync.ingest.changes.watcher.polls")
                .description("Statements the change watcher ran for its waiting users").register(meters);
        Gauge.builder("chatsync.ingest.changes.waiting", waiting, AtomicInteger::get)
                .description("Long polls of the changes feed waiting now").register(meters);
    }

    /**
     * Waits until {@code userId} has a change stamped after {@code afterXid} below the horizon, or
     * {@code wait} passes. Refused at once when the configured number of waiters already wait.
     */
    Mono<Outcome> changeAfter(String userId, long afterXid, Duration wait) {
        return Mono.defer(() -> {
            if (!running || !reserve()) {
                return Mono.just(Outcome.REFUSED);
            }
            Waiter waiter = new Waiter(userId, afterXid, Sinks.one());
            waiters.add(waiter);
            startPolling();
            return waiter.outcome().asMono()
                    .timeout(wait, Mono.just(Outcome.TIMED_OUT))
                    .doFinally(signal -> {
                        waiters.remove(waiter);
                        waiting.decrementAndGet();
                    });
        }).doOnNext(outcome -> outcomes.get(outcome).increment());
    }

    private boolean reserve() {
        while (true) {
            int now = waiting.get();
            if (now >= properties.maxWaiters()) {
                return false;
            }
            if (waiting.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private void startPolling() {
        if (polling.compareAndSet(false, true)) {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        Mono.delay(properties.interval())
                .then(Mono.defer(this::poll))
                .subscribe(woken -> { }, this::pollFailed, this::afterPoll);
    }

    private Mono<Void> poll() {
        Set<String> users = waiters.stream().map(Waiter::userId).collect(Collectors.toSet());
        if (users.isEmpty()) {
            return Mono.empty();
        }
        polls.increment();
        return jdbc.run(() -> feed.newest(users)).doOnNext(newest -> {
            failing = false;
            for (Waiter waiter : waiters) {
                Long stamp = newest.get(waiter.userId());
                if (stamp != null && stamp > waiter.afterXid()) {
                    waiter.outcome().tryEmitValue(Outcome.CHANGED);
                }
            }
        }).then();
    }

    private void pollFailed(Throwable failure) {
        // waiters time out as usual meanwhile; one line per outage rather than one per interval
        if (!failing) {
            failing = true;
            log.warn("change watcher cannot poll: {}", failure.toString());
        }
        afterPoll();
    }

    // A waiter that arrives while polling stops finds polling still set, or sets it again itself.
    private void afterPoll() {
        if (!waiters.isEmpty()) {
            scheduleNext();
            return;
        }
        polling.set(false);
        if (!waiters.isEmpty() && polling.compareAndSet(false, true)) {
            scheduleNext();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every wait with its empty page and takes no more, before the web server's graceful shutdown
     * (which stops in a later phase) would wait for them.
     */
    @Override
    public void stop() {
        running = false;
        waiters.forEach(waiter -> waiter.outcome().tryEmitValue(Outcome.TIMED_OUT));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
