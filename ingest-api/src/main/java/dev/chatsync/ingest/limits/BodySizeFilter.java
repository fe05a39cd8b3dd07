package dev.chatsync.ingest.limits;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.chatsync.ingest.imports.ImportProperties;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.problem.ProblemResponses;
import reactor.core.publisher.Mono;

/**
 * Refuses a body announced larger than the limit before a byte of it is read, ahead of
 * authentication: nothing about an oversize body is worth verifying a token for. Bodies without a
 * Content-Length (chunked) are cut off while they are read, at the same limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BodySizeFilter implements WebFilter {

    private final long maxBytes;
    private final long maxImportBytes;
    private final ProblemResponses problems;

    BodySizeFilter(IngestLimits limits, ImportProperties imports, ProblemResponses problems) {
        this.maxBytes = limits.maxBodyBytes().toBytes();
        this.maxImportBytes = imports.maxBytes().toBytes();
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        // an import is a whole account's history, bounded on its own
        long max = exchange.getRequest().getPath().value().equals(ImportProperties.PATH) ? maxImportBytes : maxBytes;
        if (length > max) {
            return problems.write(exchange, ProblemException.tooLarge(max));
        }
        return chain.filter(exchange);
    }

    /** The filter's checkpoint in every request's reactive chain: WebFlux asks for it per request, and Object's would be built each time. */
    @Override
    public String toString() {
        return "BodySizeFilter";
    }
}
