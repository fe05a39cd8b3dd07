package dev.chatsync.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.schemas.serde.ConversationEventSerializer;
import dev.chatsync.testsupport.TestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Throughput and latency of POST /api/messages over loopback against a real (embedded) Kafka, next
 * to a raw KafkaProducer sending the same records with the same durability settings in the same run.
 * Not a test: {@code ./mvnw -pl ingest-api test-compile exec:java}.
 *
 * <ol>
 *   <li>new messages: every POST starts a conversation of 10 messages (all published) at bounded concurrency;</li>
 *   <li>raw producer: the same number of records of the same sizes and keys, acks=all, idempotent;</li>
 *   <li>re-syncs: every POST re-sends a whole conversation with one new message (the rest skipped);</li>
 *   <li>latency at half the new-message maximum, open loop (measured from each request's intended start).</li>
 * </ol>
 */
public final class IngestBenchmark {

    private static final int USERS = 200;
    private static final int MESSAGES_PER_POST = Integer.getInteger("bench.messagesPerPost", 10);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 5));
    private static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.create(ConnectionProvider.builder("bench")
                    .maxConnections(CONCURRENCY).pendingAcquireMaxCount(-1).build())
            .headers(headers -> headers.set("Content-Type", "application/json"));
    private final String endpoint;
    private final List<String> tokens = new ArrayList<>();
    private final AtomicLong conversations = new AtomicLong();

    private IngestBenchmark(String endpoint, TestJwks jwks) {
        this.endpoint = endpoint;
        for (int u = 0; u < USERS; u++) {
            // long-lived tokens minted once: signing is the client's cost, not the API's
            tokens.add(jwks.token("user_bench_" + u, c -> c.expirationTime(java.util.Date.from(Instant.now().plus(Duration.ofHours(1))))));
        }
    }

    public static void main(String[] args) throws Exception {
        String topic = "bench-" + System.currentTimeMillis();
        TestKafka.shared().createTopic(topic, 6);
        try (TestJwks jwks = new TestJwks();
             RunningApi api = RunningApi.start(TestKafka.shared().bootstrapServers(), topic, jwks, Map.of(
                     "logging.level.root", "WARN",
                     "chatsync.ingest.rate-limit.capacity", "100000000",
                     "chatsync.ingest.rate-limit.refill-per-second", "100000000"))) {
            IngestBenchmark bench = new IngestBenchmark("http://127.0.0.1:" + api.port() + "/api/messages", jwks);
            System.out.printf("ingest-api benchmark: %d cores, concurrency %d, %d messages/POST (~%d bytes each), warmup %ds, measure %ds%n",
                    Runtime.getRuntime().availableProcessors(), CONCURRENCY, MESSAGES_PER_POST, 400, WARMUP.toSeconds(), MEASURE.toSeconds());

            Timer acks = api.bean(MeterRegistry.class).get("chatsync.ingest.publish.latency").timer();
            bench.closedLoop(WARMUP, bench::newConversation);
            AckWatch ackWatch = new AckWatch(acks);
            Result fresh = bench.closedLoop(MEASURE, bench::newConversation);
            fresh.print("POST new messages (closed loop)");
            ackWatch.print();

            double raw = rawProducer(topic, fresh.publishedEvents());
            System.out.printf("raw KafkaProducer, same records (%d, acks=all, idempotent): %.0f records/s%n", fresh.publishedEvents(), raw);
            System.out.printf("API published events/s vs raw producer: %.0f%%%n", 100 * fresh.publishedPerSecond() / raw);

            ackWatch = new AckWatch(acks);
            Result resync = bench.closedLoop(MEASURE, bench::resync);
            resync.print("POST re-syncs (the whole growing conversation again + 1 new message, closed loop)");
            ackWatch.print();

            double halfRate = fresh.requestsPerSecond() / 2;
            ackWatch = new AckWatch(acks);
            Result open = bench.openLoop(MEASURE, halfRate, bench::newConversation);
            open.print(String.format("POST new messages at half the max rate (open loop, %.0f req/s)", halfRate));
            ackWatch.print();
        }
        System.exit(0);
    }

    /** Body and what it should publish. */
    record Post(int user, byte[] body, int messages) {
    }

    private Post newConversation() {
        int user = ThreadLocalRandom.current().nextInt(USERS);
        String conversationId = "bench-" + conversations.incrementAndGet();
        return new Post(user, body(conversationId, 0, MESSAGES_PER_POST), MESSAGES_PER_POST);
    }

    // Re-sync: the same conversation grows by one message per POST and is re-sent whole.
    private final Map<Integer, int[]> resyncState = new HashMap<>();

    private synchronized Post resync() {
        int user = ThreadLocalRandom.current().nextInt(USERS);
        int[] length = resyncState.computeIfAbsent(user, u -> new int[] {MESSAGES_PER_POST - 1});
        length[0]++;
        return new Post(user, body("resync-" + user, 0, length[0]), length[0]);
    }

    // Bodies are stitched from pre-rendered messages so the client spends its CPU on HTTP, not on JSON.
    private static final List<String> RENDERED = new ArrayList<>();

    private static byte[] body(String conversationId, int from, int to) {
        StringBuilder body = new StringBuilder(to * 480 + 120)
                .append("{\"conversationId\":\"").append(conversationId)
                .append("\",\"personaId\":\"hitesh\",\"title\":\"Benchmark chat\",\"messages\":[");
        for (int i = from; i < to; i++) {
            body.append(i > from ? "," : "").append(rendered(i));
        }
        return body.append("]}").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static synchronized String rendered(int i) {
        while (RENDERED.size() <= i) {
            int n = RENDERED.size();
            RENDERED.add(JSON.writeValueAsString(Bodies.message("msg-" + n, n % 2 == 0 ? "user" : "assistant", content(n))));
        }
        return RENDERED.get(i);
    }

    private static String content(int i) {
        String sentence = "Message " + i + ": chai, code and a little bit of everything you would ask a persona about. ";
        return sentence.repeat(400 / sentence.length() + 1).substring(0, 400);
    }

    private Result closedLoop(Duration duration, Supplier<Post> posts) {
        Result result = new Result();
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        Flux.<Post>generate(sink -> sink.next(posts.get()))
                .takeWhile(post -> System.nanoTime() < end)
                .flatMap(post -> {
                    long sent = System.nanoTime();
                    return send(post).doOnNext(response -> result.record(post, response, System.nanoTime() - sent))
                            .onErrorResume(e -> {
                                result.failed.incrementAndGet();
                                return Mono.empty();
                            });
                }, CONCURRENCY)
                .blockLast();
        result.elapsedNanos = System.nanoTime() - started;
        return result;
    }

    private Result openLoop(Duration duration, double perSecond, Supplier<Post> posts) throws InterruptedException {
        Result result = new Result();
        long interval = (long) (1e9 / perSecond);
        long started = System.nanoTime();
        long count = duration.toNanos() / interval;
        CountDownLatch done = new CountDownLatch((int) count);
        for (long i = 0; i < count; i++) {
            long intended = started + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            Post post = posts.get();
            send(post).subscribe(
                    // from the intended start: a stalled server cannot hide its queueing from the percentiles
                    response -> result.record(post, response, System.nanoTime() - intended),
                    failure -> {
                        result.failed.incrementAndGet();
                        done.countDown();
                    },
                    done::countDown);
        }
        done.await();
        result.elapsedNanos = System.nanoTime() - started;
        return result;
    }

    private Mono<Response> send(Post post) {
        return client.headers(headers -> headers.set("Authorization", "Bearer " + tokens.get(post.user())))
                .post().uri(endpoint)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(post.body())))
                .responseSingle((response, body) -> body.asByteArray().defaultIfEmpty(new byte[0])
                        .map(bytes -> new Response(response.status().code(), bytes)));
    }

    record Response(int status, byte[] body) {
    }

    private static double rawProducer(String topic, long records) throws InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, ConversationEvent> producer = new KafkaProducer<>(config, new StringSerializer(), new ConversationEventSerializer())) {
            List<ProducerRecord<String, ConversationEvent>> batch = new ArrayList<>();
            for (long i = 0; i < records; i++) {
                String conversationId = "raw-" + (i / MESSAGES_PER_POST);
                ConversationKey key = new ConversationKey("user_bench_" + (i % USERS), conversationId);
                batch.add(new ProducerRecord<>(topic, key.toString(), ConversationEvent.newBuilder()
                        .setEventId(java.util.UUID.randomUUID().toString())
                        .setUserId(key.userId())
                        .setConversationId(conversationId)
                        .setAcceptedAt(Instant.now())
                        .setPayload(MessageUpserted.newBuilder().setPersonaId("hitesh").setTitle("Benchmark chat")
                                .setMessageId("msg-" + (i % MESSAGES_PER_POST)).setRole(MessageRole.user)
                                .setContent(content((int) (i % MESSAGES_PER_POST))).build())
                        .build()));
            }
            CountDownLatch acked = new CountDownLatch(batch.size());
            long started = System.nanoTime();
            for (ProducerRecord<String, ConversationEvent> record : batch) {
                producer.send(record, (metadata, failure) -> acked.countDown());
            }
            acked.await();
            return records / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** The API's own publish-latency timer over one phase: how much of a POST is waiting for Kafka. */
    private static final class AckWatch {
        private final Timer timer;
        private final long count;
        private final double nanos;

        AckWatch(Timer timer) {
            this.timer = timer;
            this.count = timer.count();
            this.nanos = timer.totalTime(TimeUnit.NANOSECONDS);
        }

        void print() {
            long publishes = timer.count() - count;
            System.out.printf("  of which waiting for Kafka's acknowledgement: mean %.2f ms over %d publishes%n",
                    publishes == 0 ? 0 : (timer.totalTime(TimeUnit.NANOSECONDS) - nanos) / publishes / 1e6, publishes);
        }
    }

    private static final class Result {
        final Histogram latency = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        long elapsedNanos;

        void record(Post post, Response response, long nanos) {
            if (response.status() != 202) {
                failed.incrementAndGet();
                return;
            }
            latency.recordValue(Math.min(nanos, latency.getHighestTrackableValue()));
            accepted.incrementAndGet();
            messages.addAndGet(post.messages());
            published.addAndGet(publishedOf(response.body()));
        }

        private static long publishedOf(byte[] body) {
            return ((Number) JSON.readValue(body, Map.class).get("published")).longValue();
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }

        double requestsPerSecond() {
            return accepted.get() / seconds();
        }

        double publishedPerSecond() {
            return published.get() / seconds();
        }

        long publishedEvents() {
            return published.get();
        }

        void print(String name) {
            System.out.printf("%s: %d POSTs accepted (%d failed) in %.1f s = %.0f req/s, %.0f accepted messages/s, %.0f published events/s; "
                            + "latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n",
                    name, accepted.get(), failed.get(), seconds(), requestsPerSecond(), messages.get() / seconds(), publishedPerSecond(),
                    ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(99)),
                    ms(latency.getValueAtPercentile(99.9)), ms(latency.getMaxValue()));
        }

        private static double ms(long nanos) {
            return nanos / 1e6;
        }
    }
}
