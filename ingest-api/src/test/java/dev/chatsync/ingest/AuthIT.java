package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;


/**
 * Every way a request can lack a valid Clerk session ends in 401 problem+json with nothing published;
 * a valid user over their rate gets 429 with Retry-After.
 */
class AuthIT {


    private static ApiWithTopic fixture;
    private static TestJwks jwks;
    private static RunningApi api;
    private static EventsTopicReader events;
    private static WebTestClient http;

    @BeforeAll
    static void start() {
        fixture = ApiWithTopic.start("ingest-auth", 1, Map.of(
                "chatsync.ingest.rate-limit.capacity", "5",
                "chatsync.ingest.rate-limit.refill-per-second", "0.01"));
        jwks = fixture.jwks();
        api = fixture.api();
        events = fixture.events();
        http = api.client();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    static Stream<Arguments> badCredentials() {
        Instant now = Instant.now();
        return Stream.of(
                Arguments.of("missing", (Function<TestJwks, String>) j -> null),
                Arguments.of("malformed", (Function<TestJwks, String>) j -> "Bearer not.a.jwt"),
                Arguments.of("not base64", (Function<TestJwks, String>) j -> "Bearer !!!"),
                Arguments.of("basic scheme", (Function<TestJwks, String>) j -> "Basic dXNlcjpwYXNz"),
                Arguments.of("expired", bearer(j -> j.token("user_x", c -> c.expirationTime(Date.from(now.minus(Duration.ofMinutes(10))))))),
                Arguments.of("not yet valid", bearer(j -> j.token("user_x", c -> c.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(10))))))),
                Arguments.of("wrong issuer", bearer(j -> j.token("user_x", c -> c.issuer("https://evil.example.com")))),
                Arguments.of("no issuer", bearer(j -> j.token("user_x", c -> c.issuer(null)))),
                Arguments.of("wrong azp", bearer(j -> j.token("user_x", c -> c.claim("azp", "https://evil.example.com")))),
                Arguments.of("no azp", bearer(j -> j.token("user_x", c -> c.claim("azp", null)))),
                Arguments.of("no sub", bearer(j -> j.token(null))),
                Arguments.of("sub with slash", bearer(j -> j.token("user/x"))),
                Arguments.of("unknown key id", bearer(j -> j.unknownKey("user_x"))),
                Arguments.of("forged signature", bearer(j -> j.forged("user_x"))),
                Arguments.of("alg none", bearer(j -> j.algNone("user_x"))),
                Arguments.of("HS256 with the public key", bearer(j -> j.hmacWithPublicKey("user_x"))));
    }

    private static Function<TestJwks, String> bearer(Function<TestJwks, String> token) {
        return j -> "Bearer " + token.apply(j);
    }

    @ParameterizedTest(name = "{0} token")
    @MethodSource("badCredentials")
    void isUnauthorizedOnEveryRoute(String name, Function<TestJwks, String> authorization) {
        long before = events.endOffsets();
        String header = authorization.apply(jwks);
        for (String route : List.of("/api/messages", "/api/messages?conversationId=c", "/api/usage")) {
            expectUnauthorized(withAuth(http.get().uri(route), header).exchange());
        }
        expectUnauthorized(withAuth(http.post().uri("/api/messages"), header).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Bodies.sync("c", "p", null, Bodies.dialogue(2))).exchange());
        expectUnauthorized(withAuth(http.delete().uri("/api/messages?conversationId=c"), header).exchange());
        assertThat(events.endOffsets()).isEqualTo(before);
    }

    @Test
    void validTokenIsAccepted() {
        http.get().uri("/api/messages").header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_valid"))
                .exchange().expectStatus().isOk();
    }

    @Test
    void healthAndApiDocsNeedNoToken() {
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        http.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
    }

    @Test
    void aUserOverTheRateGets429WithRetryAfterAndOthersDoNot() {
        String token = jwks.token("user_greedy");
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            var result = http.get().uri("/api/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                    .expectBody(String.class).returnResult();
            if (result.getStatus().value() == 200) {
                ok++;
            } else {
                assertThat(result.getStatus().value()).isEqualTo(429);
                assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                assertThat(Long.parseLong(result.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isPositive();
                limited++;
            }
        }
        assertThat(ok).isEqualTo(5);
        assertThat(limited).isEqualTo(3);
        http.get().uri("/api/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + jwks.token("user_modest"))
                .exchange().expectStatus().isOk();
    }

    private static <S extends WebTestClient.RequestHeadersSpec<?>> S withAuth(S spec, String header) {
        if (header != null) {
            spec.header(HttpHeaders.AUTHORIZATION, header);
        }
        return spec;
    }

    private static void expectUnauthorized(WebTestClient.ResponseSpec response) {
        response.expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).startsWith("Bearer"))
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.type").isEqualTo("https://chat-sync.dev/problems/unauthorized");
    }
}
