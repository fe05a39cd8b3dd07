package dev.chatsync.ingest.problem;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.util.DisconnectedClientHelper;

import reactor.core.publisher.Mono;

/**
 * Renders every failure that leaves a handler as problem+json, ahead of Boot's default error
 * handler (order -1), so 404/405/415 from routing read the same as our own 400s. Unknown failures
 * become a bare 500: the log gets the stack trace, the client never does.
 */
@Component
@Order(-2)
class ProblemWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);
    private static final Duration KEYS_RETRY_AFTER = Duration.ofSeconds(5);

    private final ProblemResponses problems;

    ProblemWebExceptionHandler(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (failure instanceof ProblemException problem) {
            return problems.write(exchange, problem);
        }
        if (failure instanceof AuthenticationServiceException keysUnavailable) {
            // The token could not be checked at all (Clerk's JWKS unreachable): neither the caller's
            // fault nor a bad token, so 503 like any other dependency that is away, not 401 or 500.
            log.warn("cannot verify session tokens: {}", keysUnavailable.getMessage());
            return problems.write(exchange, ProblemException.unavailable(
                    "Session tokens cannot be verified right now; nothing was stored. Retry later.", KEYS_RETRY_AFTER));
        }
        if (failure instanceof ErrorResponse error) {
            ProblemDetail body = error.getBody();
            ProblemDetail detail = ProblemDetail.forStatusAndDetail(error.getStatusCode(), body.getDetail());
            String reason = reasonOf(error.getStatusCode().value());
            detail.setType(ProblemResponses.type(reason));
            FieldViolation violation = violationOf(error.getStatusCode().value());
            if (violation != null) {
                detail.setProperty("errors", List.of(violation));
            }
            return problems.write(exchange, detail, reason, null, error.getHeaders());
        }
        if (DisconnectedClientHelper.isClientDisconnectedException(failure)) {
            // the client hung up mid-request (a timeout on its side, a closed tab): nobody to answer
            log.debug("client went away during {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath());
            return Mono.empty();
        }
        log.error("unhandled failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), failure);
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error; the request may be retried.");
        detail.setType(ProblemResponses.type("internal"));
        return problems.write(exchange, detail, "internal", null, HttpHeaders.EMPTY);
    }

    // routing failures name the part of the request that was wrong, like validation failures do
    private static FieldViolation violationOf(int status) {
        return switch (status) {
            case 405 -> new FieldViolation("method", "allowed_methods", "this method is not supported here; see Allow");
            case 406 -> new FieldViolation("Accept", "media_type", "responses are application/json");
            case 415 -> new FieldViolation("Content-Type", "media_type", "must be application/json");
            default -> null;
        };
    }

    private static String reasonOf(int status) {
        return switch (status) {
            case 400 -> "invalid-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
    }
}
