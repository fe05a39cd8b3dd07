package dev.chatsync.persister.decode;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.chatsync.schemas.event.ConversationEvent;

/** A consumed record after decoding: an event to write, or a dead letter for the dead-letter topic. */
public sealed interface Decoded permits Decoded.Event, Decoded.DeadLetter {

    ConsumerRecord<String, byte[]> record();

    record Event(ConsumerRecord<String, byte[]> record, ConversationEvent event) implements Decoded {
    }

    /** @param reason why it can never be written; becomes the dead-letter headers */
    record DeadLetter(ConsumerRecord<String, byte[]> record, Exception reason) implements Decoded {
    }
}
