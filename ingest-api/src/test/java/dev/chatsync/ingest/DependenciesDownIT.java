package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The API started while neither Kafka nor Postgres can be reached. The producer has never seen the
 * topic, so every send blocks on metadata for max.block.ms: the case that must stay off the event
 * loop. Writes and reads answer 503 with Retry-After, and health keeps answering meanwhile.
 */
class DependenciesDownIT {

    private static TestJwks jwks;
    private static RunningApi api;
    private static WebClient http;

    @BeforeAll
    static void start() {
        jwks = new TestJwks();
        int nothingListens = unusedPort();
        api = RunningApi.start("127.0.0.1:" + nothingListens, "never-created", jwks, Map.of(
                "DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:" + nothingListens + "/none",
                "chatsync.ingest.publish.timeout", "2s",
                "chatsync.ingest.read.timeout", "2s"));
        http = WebClient.create("http://127.0.0.1:" + api.port());
    }

    @AfterAll
    static void stop() {
        api.close();
        jwks.close();
    }

    @Test
    void writesAnswer503AndTheEventLoopKeepsServingWhileSendsBlockOnMetadata() {
        AtomicInteger finished = new AtomicInteger();
        List<Mono<Outcome>> writes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writes.add(http.post().uri("/api/messages")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_down"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Bodies.sync("c" + i, "p", null, Bodies.dialogue(3)))
                    .exchangeToMono(Outcome::of)
                    .doOnTerminate(finished::incrementAndGet)
                    .cache());
        }
        writes.forEach(Mono::subscribe);

        Outcome liveness = http.get().uri("/actuator/health/liveness").exchangeToMono(Outcome::of).block(Duration.ofSeconds(30));
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(finished.get()).as("writes finished before liveness answered").isZero();

        List<Outcome> outcomes = Flux.concat(writes).collectList().block(Duration.ofSeconds(60));
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.status()).isEqualTo(503);
            assertThat(outcome.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(Long.parseLong(outcome.retryAfter())).isPositive();
        });
        assertThat(http.get().uri("/actuator/health/readiness").exchangeToMono(Outcome::of).block().status()).isEqualTo(503);
    }

    @Test
    void readsAnswer503WithRetryAfterWhenTheDatabaseIsUnreachable() {
        Outcome usage = http.get().uri("/api/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_down"))
                .exchangeToMono(Outcome::of).block(Duration.ofSeconds(60));
        assertThat(usage.status()).isEqualTo(503);
        assertThat(usage.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(usage.retryAfter()).isEqualTo("2");
        assertThat(usage.body()).doesNotContain("secret", "Exception");
    }

    @Test
    void requestsAnswer503WhenClerksKeysAreUnreachable() {
        int nothingListens = unusedPort();
        RunningApi keyless = RunningApi.start("127.0.0.1:" + nothingListens, "never-created", jwks, Map.of(
                "chatsync.auth.jwks-url", "http://127.0.0.1:" + nothingListens + "/.well-known/jwks.json"));
        try {
            Outcome read = WebClient.create("http://127.0.0.1:" + keyless.port()).get().uri("/api/usage")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_down"))
                    .exchangeToMono(Outcome::of).block(Duration.ofSeconds(60));
            // Not the caller's fault and not a bad token: try again later, as with Kafka or Postgres away.
            assertThat(read.status()).isEqualTo(503);
            assertThat(read.contentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(Long.parseLong(read.retryAfter())).isPositive();
        } finally {
            keyless.close();
        }
    }

    record Outcome(int status, MediaType contentType, String retryAfter, String body) {
        static Mono<Outcome> of(ClientResponse response) {
            return response.bodyToMono(String.class).defaultIfEmpty("").map(body -> new Outcome(response.statusCode().value(),
                    response.headers().contentType().orElse(null), response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), body));
        }
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
