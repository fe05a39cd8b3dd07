package dev.chatsync.ingest.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import reactor.core.publisher.Mono;

class VerifiedTokensTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private final AtomicInteger verifications = new AtomicInteger();
    private Instant expiry = NOW.plusSeconds(60);

    private final ReactiveJwtDecoder verifier = token -> {
        verifications.incrementAndGet();
        if (token.startsWith("bad")) {
            return Mono.error(new BadJwtException("forged"));
        }
        return Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject("user_1")
                .issuedAt(NOW.minusSeconds(1)).notBefore(NOW.minusSeconds(1)).expiresAt(expiry).build());
    };

    @Test
    void aVerifiedTokenIsNotVerifiedAgainUntilItExpires() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 10, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(tokens.decode("t1").block().getSubject()).isEqualTo("user_1");
        assertThat(tokens.decode("t1").block().getSubject()).isEqualTo("user_1");
        assertThat(verifications).hasValue(1);

        VerifiedTokens later = new VerifiedTokens(verifier, 10, Clock.offset(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(61)));
        later.decode("t1").block();
        later.decode("t1").block();
        assertThat(verifications).as("expired tokens always go to the verifier").hasValue(3);
    }

    @Test
    void failuresAreNeverRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 10, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 0; i < 3; i++) {
            assertThat(tokens.decode("bad").onErrorResume(e -> Mono.empty()).block()).isNull();
        }
        assertThat(verifications).hasValue(3);
        assertThat(tokens.size()).isZero();
    }

    @Test
    void tokensWithoutExpiryAreNotRemembered() {
        VerifiedTokens tokens = new VerifiedTokens(token -> Mono.just(Jwt.withTokenValue(token).header("alg", "RS256").subject("u").build()),
                10, Clock.fixed(NOW, ZoneOffset.UTC));
        tokens.decode("t").block();
        assertThat(tokens.size()).isZero();
    }

    @Test
    void staysBounded() {
        VerifiedTokens tokens = new VerifiedTokens(verifier, 3, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int i = 0; i < 100; i++) {
            tokens.decode("t" + i).block();
        }
        assertThat(tokens.size()).isEqualTo(3);
    }
}
