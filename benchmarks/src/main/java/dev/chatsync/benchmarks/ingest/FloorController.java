package dev.chatsync.benchmarks.ingest;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;

/**
 * The benchmark's floor: a POST that goes through everything a real one does before and after the
 * controller (Netty, WebFlux, Spring Security with the verified-token cache, the body-size and
 * rate-limit filters, http.server.requests) but neither parses the body nor publishes anything.
 * What a POST costs here, the ingest path cannot go below on this stack. Outside the API's
 * packages, so component scanning never finds it; the benchmark adds it with spring.main.sources.
 */
@RestController
public class FloorController {

    @PostMapping(path = "/api/floor", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Accepted> floor(@AuthenticationPrincipal Jwt caller, ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), 1 << 20)
                .map(buffer -> {
                    int bytes = buffer.readableByteCount();
                    DataBufferUtils.release(buffer);
                    return new Accepted(caller.getSubject(), bytes, 0);
                });
    }

    /** The shape of the real answer; {@code published} 0, as nothing was. */
    record Accepted(String conversationId, int accepted, int published) {
    }
}
