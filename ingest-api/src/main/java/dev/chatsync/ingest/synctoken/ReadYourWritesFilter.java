package dev.chatsync.ingest.synctoken;

import java.util.Optional;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * Read-your-writes for every read under {@code /api/}: a GET given the {@code syncToken} of a 202
 * (query parameter, else {@link #TOKEN_HEADER} header) is held until the persister has committed
 * past it, at most {@link SyncTokenProperties#maxWait()}, and then served as usual, with
 * {@link #CONSISTENT_HEADER} saying whether it caught up. The read endpoints know nothing of it.
 *
 * <p>Runs after Spring Security (order -100), so the token is verified for the authenticated caller,
 * and after the rate limit (order 0), so a refused request never waits.
 */
@Component
@Order(1)
class ReadYourWritesFilter implements WebFilter {

    static final String TOKEN_PARAMETER = "syncToken";
    static final String TOKEN_HEADER = "Chat-Sync-Token";
    static final String CONSISTENT_HEADER = "Chat-Sync-Consistent";

    private final SyncTokens tokens;
    private final CommitWatcher watcher;
    private final ProblemResponses problems;

    ReadYourWritesFilter(SyncTokens tokens, CommitWatcher watcher, ProblemResponses problems) {
        this.tokens = tokens;
        this.watcher = watcher;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String token = isRead(request) ? tokenOf(request) : null;
        if (token == null) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .map(principal -> Optional.of(principal.getName()))
                .defaultIfEmpty(Optional.empty())
                .flatMap(caller -> caller.isEmpty() ? chain.filter(exchange) : awaitThenRead(caller.get(), token, exchange, chain));
    }

    private Mono<Void> awaitThenRead(String userId, String token, ServerWebExchange exchange, WebFilterChain chain) {
        SyncTokens.Position position;
        try {
            position = tokens.verify(userId, token);
        } catch (ProblemException refused) {
            return problems.write(exchange, refused);
        }
        return watcher.awaitCommitted(position).flatMap(consistent -> {
            exchange.getResponse().getHeaders().set(CONSISTENT_HEADER, Boolean.toString(consistent));
            return chain.filter(exchange);
        });
    }

    private static boolean isRead(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        return (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) && request.getPath().value().startsWith("/api/");
    }

    private static String tokenOf(ServerHttpRequest request) {
        String token = request.getQueryParams().getFirst(TOKEN_PARAMETER);
        return token != null ? token : request.getHeaders().getFirst(TOKEN_HEADER);
    }

    /** The filter's checkpoint in every request's reactive chain: WebFlux asks for it per request, and Object's would be built each time. */
    @Override
    public String toString() {
        return "ReadYourWritesFilter";
    }
}
