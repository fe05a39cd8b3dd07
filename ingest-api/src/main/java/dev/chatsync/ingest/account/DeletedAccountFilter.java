package dev.chatsync.ingest.account;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * Answers a deleted account's writes (every /api/ request but GET, HEAD, OPTIONS and the deletion
 * itself) with 410 before anything is published. Runs after Spring Security and the rate limit, so
 * the account is the verified token's subject. Reads pass: there is nothing left to read.
 */
@Component
@Order(1)
class DeletedAccountFilter implements WebFilter {

    private static final String ACCOUNT = "/api/account";

    private final DeletedAccounts deletedAccounts;
    private final ProblemResponses problems;

    DeletedAccountFilter(DeletedAccounts deletedAccounts, ProblemResponses problems) {
        this.deletedAccounts = deletedAccounts;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpMethod method = exchange.getRequest().getMethod();
        String path = exchange.getRequest().getPath().value();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS || !path.startsWith("/api/")
                || (method == HttpMethod.DELETE && path.equals(ACCOUNT))) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .flatMap(principal -> deletedAccounts.isDeleted(principal.getName()))
                .defaultIfEmpty(false)
                .flatMap(deleted -> deleted
                        ? problems.write(exchange, ProblemException.gone("Authorization", "account_deleted",
                                "The account of this session was deleted; nothing is stored for it any more."))
                        : chain.filter(exchange));
    }

    @Override
    public String toString() {
        return "DeletedAccountFilter";
    }
}
