package dev.chatsync.localstack;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.chatsync.inprocess.CommandLine;
import dev.chatsync.ingest.IngestApiApplication;
import dev.chatsync.persister.PersisterApplication;
import sun.misc.Signal;

/**
 * The whole pipeline in one process: a real Kafka broker, a real Postgres, the persister and the
 * ingest-api, wired exactly as in production except for the dev token endpoint. Stops in reverse
 * order, and lets the persister drain Kafka first, because the in-process broker's log is temporary.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final String ISSUER = "chat-sync-local-stack";
    private static final String AUTHORIZED_PARTY = "http://localhost:3000";
    private static final String PERSISTER_GROUP = "chat-sync-persister";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final LocalStackSettings settings;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;
    private final ConfigurableApplicationContext persister;
    private final ConfigurableApplicationContext api;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalStack(LocalStackSettings settings, LocalPostgres postgres, LocalKafka kafka,
                       ConfigurableApplicationContext persister, ConfigurableApplicationContext api) {
        this.settings = settings;
        this.postgres = postgres;
        this.kafka = kafka;
        this.persister = persister;
        this.api = api;
    }

    public static LocalStack start(LocalStackSettings settings) {
        LocalPostgres postgres = LocalPostgres.start(settings.dataDirectory().resolve("postgres"), settings.postgresPort(), settings.fresh());
        LocalKafka kafka = null;
        ConfigurableApplicationContext persister = null;
        try {
            kafka = LocalKafka.start(settings.topic(), settings.partitions());
            Map<String, String> shared = Map.of(
                    "DATABASE_URL", postgres.databaseUrl(),
                    "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                    "chatsync.events.topic", settings.topic());
            persister = run(PersisterApplication.application().sources(OpenActuator.class), shared, Map.of(
                    "chatsync.persister.group-id", PERSISTER_GROUP,
                    "server.port", String.valueOf(settings.persisterPort()),
                    "springdoc.api-docs.enabled", "false"));
            ConfigurableApplicationContext api = run(IngestApiApplication.application().sources(DevTokens.class, DemoApp.class), shared, Map.of(
                    "server.port", String.valueOf(settings.apiPort()),
                    DemoApp.DIRECTORY, settings.demoDirectory().toString(),
                    "spring.flyway.enabled", "false",
                    "chatsync.auth.jwks-url", "http://localhost:" + settings.apiPort() + DevTokens.JWKS_PATH,
                    "chatsync.auth.issuer", ISSUER,
                    "chatsync.auth.authorized-parties", AUTHORIZED_PARTY));
            return new LocalStack(settings, postgres, kafka, persister, api);
        } catch (RuntimeException e) {
            closeQuietly(persister);
            if (kafka != null) {
                kafka.close();
            }
            postgres.close();
            throw e;
        }
    }

    public URI apiUrl() {
        return URI.create("http://localhost:" + settings.apiPort());
    }

    public URI persisterUrl() {
        return URI.create("http://localhost:" + settings.persisterPort());
    }

    public String databaseUrl() {
        return postgres.databaseUrl();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public LocalStackSettings settings() {
        return settings;
    }

    /** Waits until the persister has written everything Kafka holds; returns what is left (0 when drained). */
    public long awaitPersisted(Duration timeout) {
        return kafka.awaitDrained(settings.topic(), PERSISTER_GROUP, timeout);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(api);
        long left = awaitPersisted(DRAIN_TIMEOUT);
        if (left != 0) {
            log.warn("stopping with {} events not yet persisted", left < 0 ? "an unknown number of" : left);
        }
        closeQuietly(persister);
        kafka.close();
        postgres.close();
    }

    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        LocalStack stack = start(LocalStackSettings.from(System.getenv(), Arrays.asList(args)));
        // Ctrl-C is handled here rather than in a shutdown hook: the JVM runs its hooks concurrently,
        // and the in-process broker's own hook deletes its log while the persister still drains it.
        Signal.handle(new Signal("INT"), signal -> stopAndExit(stack));
        Signal.handle(new Signal("TERM"), signal -> stopAndExit(stack));
        System.out.println(stack.readyBanner(Duration.ofNanos(System.nanoTime() - started)));
        Thread.currentThread().join();
    }

    private static void stopAndExit(LocalStack stack) {
        System.out.println("chat-sync local stack: stopping (the persister drains Kafka into Postgres first)...");
        stack.close();
        System.out.println("chat-sync local stack: stopped; data kept in " + stack.settings.dataDirectory());
        System.exit(0);
    }

    String readyBanner(Duration startup) {
        String api = apiUrl().toString();
        return """

                ======================================================================
                 chat-sync local stack is READY (started in %s s)
                   Demo       %s
                   API        %s/api/messages
                   OpenAPI    %s/v3/api-docs
                   Token      curl -s -X POST %s/dev/tokens -H 'Content-Type: application/json' -d '{"userId":"alice"}'
                   Kafka      %s  topic %s (%d partitions), dead letters in %s.DLT
                   Postgres   %s
                   Data       %s (kept between runs; --fresh or CHATSYNC_FRESH=true starts empty)
                   Metrics    %s/actuator/prometheus   persister: %s/actuator/prometheus
                 Ctrl-C stops everything cleanly.
                ======================================================================
                """.formatted(String.format(Locale.ROOT, "%.1f", startup.toMillis() / 1000.0), demo(api), api, api, api,
                kafka.bootstrapServers(), settings.topic(), settings.partitions(), settings.topic(),
                postgres.databaseUrl(), postgres.dataDirectory(), api, persisterUrl());
    }

    private String demo(String api) {
        return DemoApp.builtIn(settings.demoDirectory())
                ? api + "/   (the demo chat app: sign in as any user id)"
                : "not built: " + settings.demoDirectory() + " has no index.html (install Node.js, or cd clients/web && npm ci && npm run build:demo)";
    }

    /**
     * Settings go in as command-line arguments because those outrank the environment: a DATABASE_URL
     * exported in the developer's shell (say, their Neon branch) must not receive the local stack's writes.
     */
    private static ConfigurableApplicationContext run(SpringApplicationBuilder application, Map<String, String> shared, Map<String, String> own) {
        Map<String, String> settings = new LinkedHashMap<>(shared);
        settings.putAll(own);
        return application.sources(PrivateNettyResources.class)
                .bannerMode(Banner.Mode.OFF)
                .registerShutdownHook(false)
                .run(CommandLine.arguments(settings));
    }

    private static void closeQuietly(ConfigurableApplicationContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException e) {
                log.warn("error while stopping {}", context.getId(), e);
            }
        }
    }
}
