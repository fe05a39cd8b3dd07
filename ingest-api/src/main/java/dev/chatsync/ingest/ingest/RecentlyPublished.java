package dev.chatsync.ingest.ingest;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.chatsync.schemas.ConversationKey;

/**
 * What this instance recently published and Kafka acknowledged, per message identity (user,
 * conversation, message id) with a fingerprint of everything the event carries. A re-sync whose
 * message matches is not published again: clients re-send whole conversations every few minutes,
 * and most of each re-sync is unchanged.
 *
 * <p>Entries are ordered by the Kafka offset that stored them (one conversation is one key, so one
 * partition), which makes concurrent requests safe: an acknowledgement older than what is known,
 * or older than the conversation's deletion, never overwrites it. A miss only costs a publish the
 * persister absorbs, so correctness never depends on this cache. Bounded by message count (least
 * recently used conversations go first) and by age.
 */
final class RecentlyPublished {

    private final int maxWeight;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final LinkedHashMap<ConversationKey, Conversation> conversations = new LinkedHashMap<>(1024, 0.75f, true);
    private long weight;

    RecentlyPublished(DedupProperties properties, LongSupplier clockMillis) {
        this.maxWeight = Math.max(1, properties.maxMessages());
        this.ttlMillis = properties.ttl().toMillis();
        this.clock = clockMillis;
    }

    /** For each message, whether it was published with this fingerprint and is still trusted. */
    synchronized boolean[] published(ConversationKey key, String[] messageIds, long[] fingerprints) {
        boolean[] published = new boolean[messageIds.length];
        Conversation conversation = conversations.get(key);
        if (conversation == null) {
            return published;
        }
        long oldest = clock.getAsLong() - ttlMillis;
        for (int i = 0; i < messageIds.length; i++) {
            Entry entry = conversation.messages.get(messageIds[i]);
            published[i] = entry != null && entry.fingerprint == fingerprints[i] && entry.rememberedAt >= oldest;
        }
        return published;
    }

    /** Records that Kafka stored the message with this fingerprint at {@code offset}. */
    synchronized void remember(ConversationKey key, String messageId, long fingerprint, long offset) {
        Conversation conversation = conversations.get(key);
        if (conversation == null) {
            conversation = new Conversation(-1);
            conversations.put(key, conversation);
            weight++;
        }
        if (offset <= conversation.deletedAt) {
            return;
        }
        Entry known = conversation.messages.get(messageId);
        if (known != null && known.offset >= offset) {
            return;
        }
        conversation.messages.put(messageId, new Entry(fingerprint, offset, clock.getAsLong()));
        if (known == null) {
            weight++;
        }
        evict();
    }

    /**
     * Forgets the conversation. Called before a delete is published (so nothing is skipped against it
     * meanwhile) and again once it is stored at {@code deletedAt}, to fence off acknowledgements of
     * earlier publishes that arrive late; -1 when the offset is not known yet.
     */
    synchronized void forget(ConversationKey key, long deletedAt) {
        Conversation old = conversations.remove(key);
        if (old != null) {
            weight -= 1 + old.messages.size();
        }
        conversations.put(key, new Conversation(Math.max(deletedAt, old == null ? -1 : old.deletedAt)));
        weight++;
        evict();
    }

    synchronized long size() {
        return weight;
    }

    private void evict() {
        Iterator<Conversation> eldest = conversations.values().iterator();
        while (weight > maxWeight && eldest.hasNext()) {
            weight -= 1 + eldest.next().messages.size();
            eldest.remove();
        }
    }

    private static final class Conversation {
        final long deletedAt;
        final Map<String, Entry> messages = new HashMap<>();

        Conversation(long deletedAt) {
            this.deletedAt = deletedAt;
        }
    }

    private record Entry(long fingerprint, long offset, long rememberedAt) {
    }
}
