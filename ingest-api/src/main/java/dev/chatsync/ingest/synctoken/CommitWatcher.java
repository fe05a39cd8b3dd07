package dev.chatsync.ingest.synctoken;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Tells reads when the persister has committed past a sync token's position, without a thread or a
 * connection per waiting read: one poller reads every partition's committed offset in one query,
 * every {@link #INTERVAL} and only while some read waits, and completes the waits it satisfies.
 * The last offsets it saw are kept, so a token committed by then (most are, by the time a client
 * reads) passes at once.
 */
@Component
class CommitWatcher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(CommitWatcher.class);
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private final Supplier<Map<Integer, Long>> nextOffsets;
    private final ScheduledExecutorService poller;
    private final Duration interval;
    private final Duration maxWait;
    private final int maxWaiters;
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean polling = new AtomicBoolean();
    private final Timer known;
    private final Timer committed;
    private final Timer timedOut;
    private final Timer full;
    private volatile Map<Integer, Long> positions = Map.of();
    // read and written by the poller only
    private boolean failing;

    @Autowired
    CommitWatcher(CommittedOffsets offsets, SyncTokenProperties properties, MeterRegistry meters) {
        this(offsets::read, Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sync-token-commits");
            thread.setDaemon(true);
            return thread;
        }), INTERVAL, properties, meters);
    }

    /** @param poller runs the polls one at a time: each holds a connection only for its one query */
    CommitWatcher(Supplier<Map<Integer, Long>> nextOffsets, ScheduledExecutorService poller, Duration interval,
            SyncTokenProperties properties, MeterRegistry meters) {
        this.nextOffsets = nextOffsets;
        this.poller = poller;
        this.interval = interval;
        this.maxWait = properties.maxWait();
        this.maxWaiters = properties.maxWaiters();
        this.known = waitTimer(meters, "known");
        this.committed = waitTimer(meters, "committed");
        this.timedOut = waitTimer(meters, "timeout");
        this.full = waitTimer(meters, "full");
        Gauge.builder("chatsync.ingest.sync.waiting", waiting, AtomicInteger::get)
                .description("Reads waiting right now for the persister to commit past their sync token")
                .register(meters);
    }

    private static Timer waitTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("chatsync.ingest.sync.wait")
                .description("How long reads given a sync token waited for the persister, by outcome: known (committed when it "
                        + "arrived), committed (waited for it), timeout (read anyway after sync-token.max-wait), full (too many waiting)")
                .tag("outcome", outcome)
                .register(meters);
    }

    /**
     * True once the persister has committed the record at {@code position}; false when
     * {@link SyncTokenProperties#maxWait()} passes first, or at once when too many reads wait already.
     */
    Mono<Boolean> awaitCommitted(SyncTokens.Position position) {
        return Mono.defer(() -> {
            if (isCommitted(position)) {
                known.record(Duration.ZERO);
                return Mono.just(true);
            }
            if (waiting.incrementAndGet() > maxWaiters) {
                waiting.decrementAndGet();
                full.record(Duration.ZERO);
                return Mono.just(false);
            }
            long started = System.nanoTime();
            return Mono.<Boolean>create(sink -> {
                        Waiter waiter = new Waiter(position, sink);
                        sink.onDispose(() -> {
                            waiters.remove(waiter);
                            waiting.decrementAndGet();
                        });
                        waiters.add(waiter);
                        // a poll may have passed the position since the check above, and not seen this waiter
                        if (isCommitted(position)) {
                            sink.success(true);
                        } else {
                            startPolling();
                        }
                    })
                    // the poller's thread only polls; the read goes on elsewhere
                    .publishOn(Schedulers.parallel())
                    .timeout(maxWait, Mono.just(false))
                    .doOnNext(consistent -> (consistent ? committed : timedOut).record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
        });
    }

    private boolean isCommitted(SyncTokens.Position position) {
        Long next = positions.get(position.partition());
        return next != null && next > position.offset();
    }

    private void startPolling() {
        if (polling.compareAndSet(false, true)) {
            try {
                poller.execute(this::poll);
            } catch (RejectedExecutionException shuttingDown) {
                polling.set(false);
            }
        }
    }

    private void poll() {
        try {
            positions = Map.copyOf(nextOffsets.get());
            if (failing) {
                failing = false;
                log.info("reading the persister's committed offsets again");
            }
        } catch (RuntimeException e) {
            // the waiting reads time out on their own; keep trying while they wait
            if (!failing) {
                failing = true;
                log.warn("cannot read the persister's committed offsets; reads with a sync token answer after their wait: {}", e.toString());
            }
        }
        for (Waiter waiter : waiters) {
            if (isCommitted(waiter.position())) {
                waiter.sink().success(true);
            }
        }
        if (waiters.isEmpty()) {
            polling.set(false);
            // a waiter that came after the check above saw polling on and did not start it
            if (waiters.isEmpty() || !polling.compareAndSet(false, true)) {
                return;
            }
        }
        try {
            poller.schedule(this::poll, interval.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            polling.set(false);
        }
    }

    @Override
    public void destroy() {
        poller.shutdownNow();
    }

    private record Waiter(SyncTokens.Position position, MonoSink<Boolean> sink) {
    }
}
