package dev.chatsync.ingest.write;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of the write path; rejections are counted where problems are written, 503s by the publisher. */
@Component
class IngestMetrics {

    private final Counter accepted;
    private final Counter published;
    private final Counter skipped;

    IngestMetrics(MeterRegistry meters) {
        this.accepted = Counter.builder("chatsync.ingest.messages.accepted").description("Messages in valid POSTs").register(meters);
        this.published = Counter.builder("chatsync.ingest.events.published").description("Events Kafka acknowledged").register(meters);
        this.skipped = Counter.builder("chatsync.ingest.messages.skipped")
                .description("Messages not republished because this instance recently published them unchanged").register(meters);
    }

    void accepted(int messages) {
        accepted.increment(messages);
    }

    void published(int events) {
        published.increment(events);
    }

    void skipped(int messages) {
        skipped.increment(messages);
    }
}
