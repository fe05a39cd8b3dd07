package dev.chatsync.ingest.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed full verification until they expire. A chat UI presents the same
 * Clerk session token (60 s lifetime) on every request it makes in that minute; verifying the RS256
 * signature and re-parsing the claims each time was the largest share of a POST's CPU in the
 * benchmark. Only exact token strings that were verified are remembered, so nothing unverified is
 * ever accepted; the one trade-off is that a key removed from the JWKS stops being honoured once
 * the tokens it signed expire rather than immediately. Bounded in number; each token is dropped
 * at its own {@code exp}.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder verifier;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(ReactiveJwtDecoder verifier, int maxTokens, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .maximumSize(maxTokens)
                .expireAfter(Expiry.<String, Jwt>writing((token, jwt) -> Duration.between(clock.instant(), jwt.getExpiresAt())))
                // expiry runs on the clock that tells whether a token is current
                .ticker(() -> epochNanos(clock.instant()))
                // upkeep on the calling thread, like every cache here: no common-pool wake-ups per request
                .executor(Runnable::run)
                .build();
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known = verified.getIfPresent(token);
        if (known != null && current(known, clock.instant())) {
            return Mono.just(known);
        }
        return verifier.decode(token).doOnNext(jwt -> {
            if (current(jwt, clock.instant())) {
                verified.put(token, jwt);
            }
        });
    }

    // stricter than the verifier (no clock-skew allowance): a token near its edges is simply verified again
    private static boolean current(Jwt jwt, Instant now) {
        Instant expiresAt = jwt.getExpiresAt();
        Instant notBefore = jwt.getNotBefore();
        return expiresAt != null && now.isBefore(expiresAt) && (notBefore == null || !now.isBefore(notBefore));
    }

    private static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    int size() {
        verified.cleanUp();
        return (int) verified.estimatedSize();
    }
}
