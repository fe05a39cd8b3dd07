package dev.chatsync.schemas;

/** Topic names shared by the producer, the persister and downstream consumers. */
public final class EventTopics {

    /** Default name of the topic carrying every {@code ConversationEvent}. */
    public static final String EVENTS = "chat-sync.events";

    /**
     * Default name of the topic carrying every {@code AccountEvent} (profile changes, deletions), keyed
     * by user id. A topic of its own: consumers of the events topic decode every record they meet.
     */
    public static final String ACCOUNTS = "chat-sync.accounts";

    /** Records the persister can never write go to {@code <topic>.DLT}, Spring Kafka's convention. */
    public static String deadLetterOf(String topic) {
        return topic + ".DLT";
    }

    private EventTopics() {
    }
}
