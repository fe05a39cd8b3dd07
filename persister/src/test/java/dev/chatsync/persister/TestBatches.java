package dev.chatsync.persister;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.decode.RecordDecoder;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.serde.ConversationEventCodec;

/**
 * Consumed batches composed exactly, for calling {@code BatchWriter} without a listener: records of
 * partition 0 of one topic at ever increasing offsets, decoded the way the listener decodes them.
 */
public final class TestBatches {

    private final String topic;
    private final AtomicLong offsets = new AtomicLong();

    public TestBatches(String topic) {
        this.topic = topic;
    }

    public List<Decoded> of(ConversationEvent... events) {
        List<Decoded> batch = new ArrayList<>(events.length);
        for (ConversationEvent event : events) {
            batch.add(record(new ConversationKey(event.getUserId(), event.getConversationId()).toString(), ConversationEventCodec.encode(event)));
        }
        return batch;
    }

    /** One record of any bytes, e.g. an event encoded with an earlier schema version. */
    public Decoded record(String key, byte[] value) {
        return RecordDecoder.decode(new ConsumerRecord<>(topic, 0, offsets.getAndIncrement(), key, value));
    }
}
