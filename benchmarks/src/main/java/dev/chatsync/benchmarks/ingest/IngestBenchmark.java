package dev.chatsync.benchmarks.ingest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.chatsync.benchmarks.jvm.ExitWhenDone;
import dev.chatsync.ingest.Bodies;
import dev.chatsync.ingest.RunningApi;
import dev.chatsync.ingest.TestJwks;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;
import dev.chatsync.schemas.event.MessageUpserted;
import dev.chatsync.schemas.serde.ConversationEventSerializer;
import dev.chatsync.testsupport.TestKafka;
import tools.jackson.databind.json.JsonMapper;

/**
 * Throughput and latency of POST /api/messages over loopback against a real (embedded) Kafka, next
 * to a raw KafkaProducer sending the same records with the same durability settings in the same run.
 * The API runs in a JVM of its own ({@link ApiProcess}); this JVM holds the broker, the load
 * generator and the raw producer. Not a test: {@code ./mvnw -B -pl benchmarks exec:java@ingest}.
 *
 * <ol>
 *   <li>warm-up: every shape below and the raw producer, {@code bench.warmupSeconds} (150) in all;</li>
 *   <li>new messages: every POST starts a conversation of {@code bench.messagesPerPost} (10) messages,
 *       {@code bench.concurrency} (64) in flight; then the raw producer with the same records;</li>
 *   <li>the floor ({@link FloorController}): the same bodies through security, filters and metrics to
 *       an endpoint that only reads them; with the raw producer's CPU per record it bounds what any
 *       ingest path on this stack can reach on this machine;</li>
 *   <li>re-syncs: every POST re-sends a whole conversation with one new message (the rest skipped);</li>
 *   <li>latency at half the new-message maximum, open loop (measured from each request's intended start);</li>
 *   <li>new messages again at each size of {@code bench.sweep} (1,25,50), each against the raw producer.</li>
 * </ol>
 */
public final class IngestBenchmark {

    private static final int USERS = 200;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final int MESSAGES_PER_POST = Integer.getInteger("bench.messagesPerPost", 10);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 150));
    private static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    private static final List<Integer> SWEEP = Arrays.stream(System.getProperty("bench.sweep", "1,25,50").split(","))
            .filter(size -> !size.isBlank()).map(size -> Integer.valueOf(size.trim())).toList();
    // a fixed heap, as a container limit would give; G1 as on any machine with 2 cores
    private static final List<String> API_JVM_OPTIONS = List.of(System.getProperty("bench.apiJvmOptions", "-Xms1g -Xmx1g").split(" "));
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KeepAliveClient client;
    private final List<String> tokens = new ArrayList<>();
    private final AtomicLong conversations = new AtomicLong();

    private IngestBenchmark(KeepAliveClient client, TestJwks jwks) {
        this.client = client;
        for (int u = 0; u < USERS; u++) {
            // long-lived tokens minted once: signing is the client's cost, not the API's
            tokens.add(jwks.token("user_bench_" + u, c -> c.expirationTime(java.util.Date.from(Instant.now().plus(Duration.ofHours(1))))));
        }
    }

    public static void main(String[] args) {
        ExitWhenDone.run(IngestBenchmark::benchmark);
    }

    private static void benchmark() throws Exception {
        String topic = "bench-" + System.currentTimeMillis();
        TestKafka.shared().createTopic(topic, 6);
        try (TestJwks jwks = new TestJwks()) {
            Map<String, String> settings = RunningApi.settings(RunningApi.migratedDatabase(), TestKafka.shared().bootstrapServers(), topic, jwks);
            settings.put("logging.level.root", "WARN");
            settings.put("management.metrics.distribution.percentiles-histogram.http.server.requests", "true");
            settings.put("chatsync.ingest.rate-limit.capacity", "100000000");
            settings.put("chatsync.ingest.rate-limit.refill-per-second", "100000000");
            settings.put("spring.main.sources", FloorController.class.getName());
            // this module's classpath, which the API's JVM gets, holds the persister's Flyway too;
            // the database is migrated already, as the persister does it in production
            settings.put("spring.flyway.enabled", "false");
            try (ApiProcess api = ApiProcess.start(settings, API_JVM_OPTIONS);
                    KeepAliveClient client = new KeepAliveClient(new InetSocketAddress("127.0.0.1", api.port()), CONCURRENCY)) {
                run(new IngestBenchmark(client, jwks), api, topic);
            }
        }
    }

    private static void run(IngestBenchmark bench, ApiProcess api, String topic) throws InterruptedException {
        System.out.printf("ingest-api benchmark: %d cores shared by the API's JVM (%s) and this one (load generator, broker, raw producer); "
                        + "concurrency %d, %d messages/POST (~%d bytes each), warmup %ds, measure %ds%n",
                CORES, String.join(" ", API_JVM_OPTIONS), CONCURRENCY, MESSAGES_PER_POST, 400,
                WARMUP.toSeconds(), MEASURE.toSeconds());
        bench.warmUp(topic);

        Result fresh = bench.newMessagesAgainstRawProducer(api, topic, MESSAGES_PER_POST, "POST new messages (closed loop)");

        Phase floorPhase = new Phase(api);
        Result floor = bench.closedLoop(MEASURE, () -> bench.newConversation(MESSAGES_PER_POST).toFloor());
        floor.print("POST the same bodies to the floor (security, filters, metrics, body read; no parsing, no Kafka)");
        // CPU adds up on a saturated machine: a POST costs at least the floor plus what the producer
        // and broker spent per record in the raw phase, whatever the API does in between.
        double floorMicros = floorPhase.print(floor);
        double ceilingPerSecond = CORES * 1e6 / (floorMicros + MESSAGES_PER_POST * fresh.raw.cpuMicrosPerRecord());
        System.out.printf("  ceiling for any ingest path on this stack here: %d cores / (floor %.0f µs + %d x %.1f µs of producer and broker CPU per record) "
                        + "= %.0f POST/s = %.0f%% of the raw producer%n",
                CORES, floorMicros, MESSAGES_PER_POST, fresh.raw.cpuMicrosPerRecord(), ceilingPerSecond,
                100 * ceilingPerSecond * MESSAGES_PER_POST / fresh.raw.recordsPerSecond());

        Phase phase = new Phase(api);
        Result resync = bench.closedLoop(MEASURE, bench::resync);
        resync.print("POST re-syncs (the whole growing conversation again + 1 new message, closed loop)");
        phase.print(resync);

        double halfRate = fresh.requestsPerSecond() / 2;
        phase = new Phase(api);
        Result open = bench.openLoop(MEASURE, halfRate, () -> bench.newConversation(MESSAGES_PER_POST));
        open.print(String.format("POST new messages at half the max rate (open loop, %.0f req/s)", halfRate));
        phase.print(open);

        for (int size : SWEEP) {
            bench.newMessagesAgainstRawProducer(api, topic, size, String.format("POST new messages, %d per POST (closed loop)", size));
        }
    }

    /** New conversations of {@code messagesPerPost} messages, closed loop, then the raw producer with the same records. */
    private Result newMessagesAgainstRawProducer(ApiProcess api, String topic, int messagesPerPost, String label) throws InterruptedException {
        Phase phase = new Phase(api);
        Result result = closedLoop(MEASURE, () -> newConversation(messagesPerPost));
        result.print(label);
        phase.print(result);
        Duration cpuBefore = api.cpu().plus(Phase.ownCpu());
        double perSecond = rawProducer(topic, result.publishedEvents(), messagesPerPost);
        double cpuPerRecord = api.cpu().plus(Phase.ownCpu()).minus(cpuBefore).toNanos() / 1e3 / result.publishedEvents();
        result.raw = new Raw(perSecond, cpuPerRecord);
        System.out.printf("  raw KafkaProducer, same records (%d, acks=all, idempotent): %.0f records/s, %.1f µs of CPU per record (producer and broker); "
                        + "API published events/s vs raw producer: %.0f%%%n",
                result.publishedEvents(), perSecond, cpuPerRecord, 100 * result.publishedPerSecond() / perSecond);
        return result;
    }

    /**
     * Every body shape measured later, and the raw producer, run until the JITs of both JVMs settle:
     * on a small machine that takes minutes, and until then the compilers take CPU the requests would get.
     */
    private void warmUp(String topic) throws InterruptedException {
        List<Supplier<Post>> shapes = new ArrayList<>();
        shapes.add(() -> newConversation(MESSAGES_PER_POST));
        shapes.add(() -> newConversation(MESSAGES_PER_POST).toFloor());
        shapes.add(this::resync);
        SWEEP.forEach(size -> shapes.add(() -> newConversation(size)));
        Duration each = WARMUP.dividedBy(shapes.size());
        for (Supplier<Post> shape : shapes) {
            closedLoop(each, shape);
            rawProducer(topic, 100_000, MESSAGES_PER_POST);
        }
    }

    private static final String INGEST = "/api/messages";
    private static final String FLOOR = "/api/floor";

    /** Where it goes, the body and how many messages it carries. */
    record Post(String path, int user, byte[] body, int messages) {

        Post toFloor() {
            return new Post(FLOOR, user, body, messages);
        }
    }

    private Post newConversation(int messages) {
        int user = ThreadLocalRandom.current().nextInt(USERS);
        String conversationId = "bench-" + conversations.incrementAndGet();
        return new Post(INGEST, user, body(conversationId, 0, messages), messages);
    }

    // Re-sync: a user's conversation grows by one message per POST and is re-sent whole; at
    // RESYNC_LONGEST messages the user starts another, so long runs stay within the API's limits.
    private static final int RESYNC_LONGEST = 100;
    private final Map<Integer, int[]> resyncState = new HashMap<>();

    private synchronized Post resync() {
        int user = ThreadLocalRandom.current().nextInt(USERS);
        int[] state = resyncState.computeIfAbsent(user, u -> new int[] {0, MESSAGES_PER_POST - 1});
        if (++state[1] > RESYNC_LONGEST) {
            state[0]++;
            state[1] = MESSAGES_PER_POST;
        }
        return new Post(INGEST, user, body("resync-" + user + "-" + state[0], 0, state[1]), state[1]);
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

    private Result closedLoop(Duration duration, Supplier<Post> posts) throws InterruptedException {
        Result result = new Result();
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        CountDownLatch stopped = new CountDownLatch(CONCURRENCY);
        for (int i = 0; i < CONCURRENCY; i++) {
            postUntil(end, posts, result, stopped);
        }
        stopped.await();
        result.elapsedNanos = System.nanoTime() - started;
        return result;
    }

    /** One of the closed loop's senders: the next POST as soon as the last one was answered. */
    private void postUntil(long end, Supplier<Post> posts, Result result, CountDownLatch stopped) {
        if (System.nanoTime() >= end) {
            stopped.countDown();
            return;
        }
        Post post = posts.get();
        long sent = System.nanoTime();
        send(post).whenComplete((response, failure) -> {
            result.record(post, response, System.nanoTime() - sent);
            postUntil(end, posts, result, stopped);
        });
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
            send(post).whenComplete((response, failure) -> {
                // from the intended start: a stalled server cannot hide its queueing from the percentiles
                result.record(post, response, System.nanoTime() - intended);
                done.countDown();
            });
        }
        done.await();
        result.elapsedNanos = System.nanoTime() - started;
        return result;
    }

    private CompletableFuture<KeepAliveClient.Response> send(Post post) {
        return client.post(post.path(), tokens.get(post.user()), post.body());
    }

    /** The raw producer's run after a phase: its rate and the CPU both JVMs spent per record meanwhile. */
    record Raw(double recordsPerSecond, double cpuMicrosPerRecord) {
    }

    private static double rawProducer(String topic, long records, int messagesPerPost) throws InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.shared().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, ConversationEvent> producer = new KafkaProducer<>(config, new StringSerializer(), new ConversationEventSerializer())) {
            // Records are built as they are sent, as the API builds its own: a list of all of them
            // would stay live, and the GC pauses that causes would be charged to the producer.
            List<String> contents = new ArrayList<>();
            for (int m = 0; m < messagesPerPost; m++) {
                contents.add(content(m));
            }
            CountDownLatch acked = new CountDownLatch((int) records);
            long started = System.nanoTime();
            for (long i = 0; i < records; i++) {
                String conversationId = "raw-" + (i / messagesPerPost);
                ConversationKey key = new ConversationKey("user_bench_" + (i % USERS), conversationId);
                producer.send(new ProducerRecord<>(topic, key.toString(), Envelopes.of(key.userId(), conversationId, Instant.now(),
                        MessageUpserted.newBuilder().setPersonaId("hitesh").setTitle("Benchmark chat")
                                .setMessageId("msg-" + (i % messagesPerPost)).setRole(MessageRole.user)
                                .setContent(contents.get((int) (i % messagesPerPost))).build())),
                        (metadata, failure) -> acked.countDown());
            }
            acked.await();
            return records / ((System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * What one phase cost the API: CPU of its JVM (from the OS), the time its requests waited for
     * Kafka's acknowledgement (its publish-latency timer) and its own view of POST latency (its
     * http.server.requests histogram, which leaves out the load generator's and broker's pauses).
     */
    private static final class Phase {
        private static final String ACKS = "chatsync_ingest_publish_latency_seconds";
        private static final String POSTS = "http_server_requests_seconds_bucket{";
        private static final Pattern UPPER_BOUND = Pattern.compile("le=\"([^\"]+)\"");

        private final ApiProcess api;
        private final Duration apiCpu;
        private final Duration ownCpu;
        private final Map<String, Double> metrics;

        Phase(ApiProcess api) {
            this.api = api;
            // scraped before the CPU readings and again after them, so the scrapes stay out of the phase's CPU
            this.metrics = api.metrics();
            this.apiCpu = api.cpu();
            this.ownCpu = ownCpu();
        }

        /** Prints the phase's figures; returns the API's CPU per accepted POST in µs. */
        double print(Result result) {
            Duration apiUsed = api.cpu().minus(apiCpu);
            double ownCores = ownCpu().minus(ownCpu).toNanos() / (double) result.elapsedNanos;
            Map<String, Double> now = api.metrics();
            double publishes = delta(now, ACKS + "_count");
            double waited = delta(now, ACKS + "_sum");
            long accepted = result.accepted.get();
            double apiMicrosPerPost = accepted == 0 ? 0 : apiUsed.toNanos() / 1e3 / accepted;
            NavigableMap<Double, Double> posts = acceptedPosts(now);
            System.out.printf("  inside the API: p99 at most %s, p99.9 at most %s; waiting for Kafka's acknowledgement: mean %.2f ms over %.0f publishes%n",
                    percentile(posts, 0.99), percentile(posts, 0.999), publishes == 0 ? 0 : waited / publishes * 1e3, publishes);
            System.out.printf("  CPU: API %.2f cores = %.0f µs per POST; load generator + broker %.2f cores%n",
                    apiUsed.toNanos() / (double) result.elapsedNanos, apiMicrosPerPost, ownCores);
            return apiMicrosPerPost;
        }

        private double delta(Map<String, Double> now, String prefix) {
            return sum(now, prefix) - sum(metrics, prefix);
        }

        private static double sum(Map<String, Double> samples, String prefix) {
            return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
        }

        /** This phase's accepted POSTs by histogram bucket: upper bound in seconds (+Inf included) to cumulative count. */
        private NavigableMap<Double, Double> acceptedPosts(Map<String, Double> now) {
            NavigableMap<Double, Double> cumulative = new TreeMap<>();
            now.forEach((series, count) -> {
                Matcher bound = UPPER_BOUND.matcher(series);
                if (series.startsWith(POSTS) && series.contains("method=\"POST\"") && series.contains("status=\"202\"") && bound.find()) {
                    double upper = bound.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound.group(1));
                    cumulative.merge(upper, count - metrics.getOrDefault(series, 0.0), Double::sum);
                }
            });
            return cumulative;
        }

        /** The upper bound of the histogram bucket holding the percentile. */
        private static String percentile(NavigableMap<Double, Double> cumulative, double percentile) {
            double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
                if (total > 0 && bucket.getValue() >= percentile * total && !bucket.getKey().isInfinite()) {
                    return String.format("%.1f ms", bucket.getKey() * 1e3);
                }
            }
            return "n/a";
        }

        static Duration ownCpu() {
            return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        }
    }

    private static final class Result {
        final Histogram latency = new ConcurrentHistogram(Duration.ofMinutes(1).toNanos(), 3);
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong published = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        long elapsedNanos;
        Raw raw;

        void record(Post post, KeepAliveClient.Response response, long nanos) {
            if (response == null || response.status() != 202) {
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
