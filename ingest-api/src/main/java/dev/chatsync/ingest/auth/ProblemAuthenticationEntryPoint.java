package dev.chatsync.ingest.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;

import dev.chatsync.ingest.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 as problem+json, keeping the RFC 6750 WWW-Authenticate challenge. The detail is
 * deliberately generic: why a token failed (expired, wrong issuer, forged) is logged by Spring
 * Security at debug, not told to whoever presented it.
 */
final class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    private final ProblemResponses problems;

    ProblemAuthenticationEntryPoint(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                "A valid Clerk session token is required: Authorization: Bearer <jwt>.");
        detail.setType(ProblemResponses.type("unauthorized"));
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.WWW_AUTHENTICATE, exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION) != null
                ? "Bearer error=\"invalid_token\"" : "Bearer");
        return problems.write(exchange, detail, "unauthorized", null, headers);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "Not allowed.");
        detail.setType(ProblemResponses.type("forbidden"));
        return problems.write(exchange, detail, "forbidden", null, HttpHeaders.EMPTY);
    }
}
