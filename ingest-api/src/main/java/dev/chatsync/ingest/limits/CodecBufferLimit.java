package dev.chatsync.ingest.limits;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.stereotype.Component;

/**
 * No codec buffers more than one request may carry: the in-memory limit of every codec is the body
 * limit, so the two cannot drift apart (Boot's {@code spring.http.codecs.max-in-memory-size} would be
 * a second place to keep equal).
 */
@Component
class CodecBufferLimit implements CodecCustomizer, Ordered {

    private final int maxBytes;

    CodecBufferLimit(IngestLimits limits) {
        this.maxBytes = Math.toIntExact(limits.maxBodyBytes().toBytes());
    }

    @Override
    public void customize(CodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(maxBytes);
    }

    /** After Boot's own customizer, which applies spring.http.codecs.*. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
