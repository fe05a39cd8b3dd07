package dev.chatsync.ingest.write;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.stereotype.Component;

import dev.chatsync.events.EventsTopic;
import dev.chatsync.ingest.dedup.RecentlyPublished;
import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.ingest.publish.EventPublisher;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The write path for conversations an import brings: each is checked by the rules of a POST body
 * ({@link SyncRequestParser}) and published as a POST's events would be, keyed by its conversation.
 * What differs is time: an imported event carries when its message was written, not when the import
 * came (see {@link #publish}).
 */
@Component
public class ImportWrites {

    private final IngestLimits limits;
    private final EventPublisher publisher;
    private final RecentlyPublished recent;
    private final String topic;
    private final IngestMetrics metrics;
    private final Map<Integer, SyncRequestParser> parsers = new ConcurrentHashMap<>();

    ImportWrites(IngestLimits limits, EventPublisher publisher, RecentlyPublished recent, EventsTopic topic, IngestMetrics metrics) {
        this.limits = limits;
        this.publisher = publisher;
        this.recent = recent;
        this.topic = topic.topic();
        this.metrics = metrics;
    }

    /** A conversation that passed every rule of a POST body, ready to publish. */
    public static final class Checked {

        private final SyncRequest request;

        private Checked(SyncRequest request) {
            this.request = request;
        }

        public String conversationId() {
            return request.conversationId();
        }

        public int messages() {
            return request.messages().size();
        }
    }

    /**
     * Checks a conversation shaped like a POST body, with up to {@code maxMessages} messages.
     *
     * @throws ProblemException naming every broken rule by its path inside {@code conversation}
     */
    public Checked check(JsonNode conversation, int maxMessages) {
        return new Checked(parser(maxMessages).parse(conversation));
    }

    /**
     * Publishes the conversation: a ConversationUpserted at {@code createdAt} first, so the
     * conversation starts when it did, then one MessageUpserted per message, each at its own time.
     * Those times decide the messages' updated_at and the UTC day a newly stored user message counts
     * against in rate_limits: imported history counts on the days it was written, so it does not take
     * today's quota. Completes with the number of events Kafka acknowledged.
     *
     * @param messageTimes one per message, in order, none later than now
     */
    public Mono<Integer> publish(String userId, Checked conversation, Instant createdAt, List<Instant> messageTimes, Executor completions) {
        SyncRequest sync = conversation.request;
        if (messageTimes.size() != sync.messages().size()) {
            throw new IllegalArgumentException(messageTimes.size() + " times for " + sync.messages().size() + " messages");
        }
        ConversationKey key = new ConversationKey(userId, sync.conversationId());
        List<ProducerRecord<String, ConversationEvent>> records = new ArrayList<>(sync.messages().size() + 1);
        records.add(record(key, ConversationEvents.conversationUpserted(userId, sync, createdAt)));
        for (int i = 0; i < sync.messages().size(); i++) {
            records.add(record(key, ConversationEvents.messageUpserted(userId, sync, sync.messages().get(i), messageTimes.get(i))));
        }
        metrics.accepted(sync.messages().size());
        // this instance's memory of what it published of the conversation no longer says what is stored
        recent.forget(key, -1);
        return publisher.publish(records, completions).map(acks -> {
            RecordMetadata last = acks.get(acks.size() - 1);
            recent.forget(key, last.hasOffset() ? last.offset() : -1);
            metrics.published(records.size());
            return records.size();
        });
    }

    // a parser builds its own JsonMapper: one per bound, and imports have one bound
    private SyncRequestParser parser(int maxMessages) {
        return parsers.computeIfAbsent(maxMessages, max -> new SyncRequestParser(new IngestLimits(limits.maxBodyBytes(), max, limits.maxContentBytes(), limits.maxIdLength(),
                limits.maxTitleLength(), limits.maxPartsBytes(), limits.maxParts(), limits.maxJsonDepth())));
    }

    private ProducerRecord<String, ConversationEvent> record(ConversationKey key, ConversationEvent event) {
        return new ProducerRecord<>(topic, key.toString(), event);
    }
}
