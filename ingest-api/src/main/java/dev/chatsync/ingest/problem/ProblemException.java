package dev.chatsync.ingest.problem;

import java.time.Duration;
import java.util.List;

import org.springframework.http.HttpStatus;

/**
 * A request that ends in an RFC 9457 problem. Thrown anywhere in a request; rendered by
 * {@link ProblemWebExceptionHandler}. Carries no cause on purpose: what a client sees is decided
 * here, never by whatever exception happened underneath.
 */
public final class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String reason;
    private final List<FieldViolation> violations;
    private final Duration retryAfter;

    private ProblemException(HttpStatus status, String reason, String detail, List<FieldViolation> violations, Duration retryAfter) {
        super(detail, null, false, false);
        this.status = status;
        this.reason = reason;
        this.violations = List.copyOf(violations);
        this.retryAfter = retryAfter;
    }

    public static ProblemException invalid(List<FieldViolation> violations) {
        return new ProblemException(HttpStatus.BAD_REQUEST, "invalid-request",
                "The request breaks " + violations.size() + " rule(s); see errors.", violations, null);
    }

    public static ProblemException invalid(String field, String rule, String message) {
        return invalid(List.of(new FieldViolation(field, rule, message)));
    }

    public static ProblemException tooLarge(long maxBytes) {
        return new ProblemException(HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                "The request body exceeds " + maxBytes + " bytes.",
                List.of(new FieldViolation("body", "max_bytes", "at most " + maxBytes + " bytes")), null);
    }

    public static ProblemException notFound(String field, String detail) {
        return new ProblemException(HttpStatus.NOT_FOUND, "not-found", detail,
                List.of(new FieldViolation(field, "not_found", detail)), null);
    }

    /** 410: what {@code field} points at is no longer kept (a feed cursor past the tombstone retention). */
    public static ProblemException gone(String field, String rule, String detail) {
        return new ProblemException(HttpStatus.GONE, "gone", detail, List.of(new FieldViolation(field, rule, detail)), null);
    }

    public static ProblemException rateLimited(Duration retryAfter) {
        return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests for this user; retry later.", List.of(), retryAfter);
    }

    public static ProblemException unavailable(String detail, Duration retryAfter) {
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", detail, List.of(), retryAfter);
    }

    public HttpStatus status() {
        return status;
    }

    /** Stable slug: the last segment of the problem type, and the {@code reason} tag of the rejection metric. */
    public String reason() {
        return reason;
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    /** When set, answered as a Retry-After header in whole seconds. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
