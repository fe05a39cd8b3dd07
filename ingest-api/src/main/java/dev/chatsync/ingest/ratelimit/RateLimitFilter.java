package dev.chatsync.ingest.ratelimit;

import java.time.Duration;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * Answers 429 with Retry-After once a user exceeds their request rate. Runs after Spring Security
 * (order -100), so the user is the verified token's subject and unauthenticated floods never create
 * buckets; they end at the 401 already.
 */
@Component
@Order(0)
class RateLimitFilter implements WebFilter {

    private final UserRateLimiter limiter;
    private final ProblemResponses problems;

    RateLimitFilter(RateLimitProperties properties, ProblemResponses problems) {
        this.limiter = new UserRateLimiter(properties, System::nanoTime);
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/api/")) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .map(principal -> limiter.acquire(principal.getName()))
                .defaultIfEmpty(0L)
                .flatMap(waitNanos -> waitNanos == 0
                        ? chain.filter(exchange)
                        : problems.write(exchange, ProblemException.rateLimited(Duration.ofNanos(waitNanos))));
    }

    /** The filter's checkpoint in every request's reactive chain: WebFlux asks for it per request, and Object's would be built each time. */
    @Override
    public String toString() {
        return "RateLimitFilter";
    }
}
