package dev.chatsync.ingest.problem;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code application/problem+json} responses, the one way every error leaves this service:
 * from controllers, from the security chain (401/403) and from filters (413, 429). Counts each
 * rejection by reason.
 */
@Component
public class ProblemResponses {

    private static final String TYPE_BASE = "https://chat-sync.dev/problems/";

    private final JsonMapper json;
    private final MeterRegistry meters;

    ProblemResponses(JsonMapper json, MeterRegistry meters) {
        this.json = json;
        this.meters = meters;
    }

    /** The problem type URI of a reason slug; documentation of each type would live there. */
    public static URI type(String reason) {
        return URI.create(TYPE_BASE + reason);
    }

    public Mono<Void> write(ServerWebExchange exchange, ProblemException problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
        detail.setType(type(problem.reason()));
        if (!problem.violations().isEmpty()) {
            detail.setProperty("errors", problem.violations());
        }
        return write(exchange, detail, problem.reason(), problem.retryAfter(), HttpHeaders.EMPTY);
    }

    /**
     * Writes any problem; {@code reason} tags the rejection metric. Headers of the failure (Allow,
     * WWW-Authenticate) are kept.
     */
    public Mono<Void> write(ServerWebExchange exchange, ProblemDetail detail, String reason, Duration retryAfter, HttpHeaders extraHeaders) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        meters.counter("chatsync.ingest.rejected", "reason", reason).increment();
        if (detail.getInstance() == null) {
            detail.setInstance(URI.create(exchange.getRequest().getPath().value()));
        }
        response.setStatusCode(HttpStatusCode.valueOf(detail.getStatus()));
        HttpHeaders headers = response.getHeaders();
        headers.addAll(extraHeaders);
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ceilSeconds(retryAfter))));
        }
        byte[] body = json.writeValueAsBytes(flatten(detail));
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    // ProblemDetail's extension properties belong at the top level of the JSON (RFC 9457 §3.2);
    // flattening here keeps that independent of which Jackson mixins happen to be registered.
    private static Map<String, Object> flatten(ProblemDetail detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", detail.getType().toString());
        body.put("title", detail.getTitle());
        body.put("status", detail.getStatus());
        if (detail.getDetail() != null) {
            body.put("detail", detail.getDetail());
        }
        if (detail.getInstance() != null) {
            body.put("instance", detail.getInstance().toString());
        }
        if (detail.getProperties() != null) {
            body.putAll(detail.getProperties());
        }
        return body;
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }
}
