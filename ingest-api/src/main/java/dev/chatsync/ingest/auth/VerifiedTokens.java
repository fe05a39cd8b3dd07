package dev.chatsync.ingest.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import reactor.core.publisher.Mono;

/**
 * Remembers tokens that passed full verification until they expire. A chat UI presents the same
 * Clerk session token (60 s lifetime) on every request it makes in that minute; verifying the RS256
 * signature and re-parsing the claims each time was the largest share of a POST's CPU in the
 * benchmark. Only exact token strings that were verified are remembered, so nothing unverified is
 * ever accepted; the one trade-off is that a key removed from the JWKS stops being honoured once
 * the tokens it signed expire rather than immediately. Bounded, least recently used first.
 */
final class VerifiedTokens implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder verifier;
    private final Clock clock;
    private final Map<String, Jwt> verified;

    VerifiedTokens(ReactiveJwtDecoder verifier, int maxTokens, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        this.verified = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Jwt> eldest) {
                return size() > maxTokens;
            }
        };
    }

    @Override
    public Mono<Jwt> decode(String token) {
        Jwt known;
        synchronized (verified) {
            known = verified.get(token);
        }
        if (known != null && current(known, clock.instant())) {
            return Mono.just(known);
        }
        return verifier.decode(token).doOnNext(jwt -> {
            if (current(jwt, clock.instant())) {
                synchronized (verified) {
                    verified.put(token, jwt);
                }
            }
        });
    }

    // stricter than the verifier (no clock-skew allowance): a token near its edges is simply verified again
    private static boolean current(Jwt jwt, Instant now) {
        Instant expiresAt = jwt.getExpiresAt();
        Instant notBefore = jwt.getNotBefore();
        return expiresAt != null && now.isBefore(expiresAt) && (notBefore == null || !now.isBefore(notBefore));
    }

    int size() {
        synchronized (verified) {
            return verified.size();
        }
    }
}
