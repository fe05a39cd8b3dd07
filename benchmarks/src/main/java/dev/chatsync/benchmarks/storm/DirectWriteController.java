package dev.chatsync.benchmarks.storm;

import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import javax.sql.DataSource;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.read.JdbcScheduler;
import dev.chatsync.ingest.write.SyncBodies;
import reactor.core.publisher.Mono;

/**
 * The storm benchmark's baseline, the direct-write design: the same POST as {@code /api/messages}
 * through everything around it (Netty, WebFlux, Spring Security with the verified-token cache, the
 * body-size and rate-limit filters, http.server.requests) and the API's own parsing and validation,
 * but the conversation is written to Postgres in the request ({@link ConversationWrite}), answered
 * 200 once committed. JDBC runs on the API's {@link JdbcScheduler}, never on the event loop, sharing
 * its pool and its 503 for a database out of reach. Outside the API's packages, so component scanning
 * never finds it; the benchmark adds it with spring.main.sources.
 */
@RestController
public class DirectWriteController {

    static final String PATH = "/api/direct/messages";

    private final SyncBodies bodies;
    private final int maxBodyBytes;
    private final JdbcScheduler jdbc;
    private final ConversationWrite write;

    DirectWriteController(IngestLimits limits, JdbcScheduler jdbc, DataSource dataSource) {
        this.bodies = new SyncBodies(limits);
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, limits.maxBodyBytes().toBytes());
        this.jdbc = jdbc;
        this.write = new ConversationWrite(dataSource);
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Stored> sync(@AuthenticationPrincipal Jwt caller, ServerHttpRequest request) {
        String userId = caller.getSubject();
        return DataBufferUtils.join(request.getBody(), maxBodyBytes)
                .onErrorMap(DataBufferLimitException.class, e -> ProblemException.tooLarge(maxBodyBytes))
                .map(buffer -> {
                    try {
                        return bodies.parse(buffer.asInputStream());
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .switchIfEmpty(Mono.fromSupplier(() -> bodies.parse(InputStream.nullInputStream())))
                .flatMap(conversation -> {
                    Instant acceptedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    return jdbc.run(() -> new Stored(conversation.conversationId(), conversation.messageIds().length,
                            write.write(userId, conversation, acceptedAt)));
                });
    }

    /** The answer once committed: messages in the request, messages inserted or changed. */
    record Stored(String conversationId, int accepted, int written) {
    }
}
