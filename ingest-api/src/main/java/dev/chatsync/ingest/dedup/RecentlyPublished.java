package dev.chatsync.ingest.dedup;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

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
 * persister absorbs; a wrong hit would take two ids of one conversation with the same 64-bit hash
 * and messages with the same fingerprint ({@code idHash}), and only the user who chose both ids
 * could arrange that. Bounded by message count (least recently used conversations go first) and by
 * age.
 */
@Component
public final class RecentlyPublished {

    private static final long EMPTY = 0;

    private final int maxWeight;
    private final long ttlMillis;
    private final LongSupplier clock;
    private final LinkedHashMap<ConversationKey, Conversation> conversations = new LinkedHashMap<>(1024, 0.75f, true);
    private long weight;

    @Autowired
    public RecentlyPublished(DedupProperties properties) {
        this(properties, System::currentTimeMillis);
    }

    RecentlyPublished(DedupProperties properties, LongSupplier clockMillis) {
        this.maxWeight = Math.max(1, properties.maxMessages());
        this.ttlMillis = properties.ttl().toMillis();
        this.clock = clockMillis;
    }

    /** For each message, whether it was published with this fingerprint and is still trusted. */
    public synchronized boolean[] published(ConversationKey key, String[] messageIds, long[] fingerprints) {
        boolean[] published = new boolean[messageIds.length];
        Conversation conversation = conversations.get(key);
        if (conversation == null) {
            return published;
        }
        long oldest = clock.getAsLong() - ttlMillis;
        for (int i = 0; i < messageIds.length; i++) {
            int slot = conversation.slotOf(idHash(messageIds[i]));
            published[i] = slot >= 0 && conversation.fingerprint(slot) == fingerprints[i] && conversation.rememberedAt(slot) >= oldest;
        }
        return published;
    }

    /** Records that Kafka stored the message with this fingerprint at {@code offset}. */
    public synchronized void remember(ConversationKey key, String messageId, long fingerprint, long offset) {
        Conversation conversation = conversations.get(key);
        if (conversation == null) {
            conversation = new Conversation(-1);
            conversations.put(key, conversation);
            weight++;
        }
        if (offset <= conversation.deletedAt) {
            return;
        }
        if (conversation.put(idHash(messageId), fingerprint, offset, clock.getAsLong())) {
            weight++;
        }
        evict();
    }

    /**
     * Forgets the conversation. Called before a delete is published (so nothing is skipped against it
     * meanwhile) and again once it is stored at {@code deletedAt}, to fence off acknowledgements of
     * earlier publishes that arrive late; -1 when the offset is not known yet.
     */
    public synchronized void forget(ConversationKey key, long deletedAt) {
        Conversation old = conversations.remove(key);
        if (old != null) {
            weight -= 1 + old.size;
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
            weight -= 1 + eldest.next().size;
            eldest.remove();
        }
    }

    /** 64 bits of FNV-1a over the message id; 0 marks an empty slot, so it never is a hash. */
    private static long idHash(String messageId) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < messageId.length(); i++) {
            hash = (hash ^ messageId.charAt(i)) * 0x100000001b3L;
        }
        return hash == EMPTY ? 1 : hash;
    }

    /**
     * A conversation's messages in one open-addressing table of longs, four per message (id hash,
     * fingerprint, offset, time remembered): no objects per message. At ingest rates the cache turns
     * over in seconds, and a map entry, a record and the retained id string per message made every
     * young collection copy most of the cache (pauses of 6-12 ms every half second at 3,000 POST/s).
     * Messages are never removed one by one, only with their conversation.
     */
    private static final class Conversation {
        private static final int LONGS_PER_SLOT = 4;

        final long deletedAt;
        int size;
        private long[] slots = new long[8 * LONGS_PER_SLOT];

        Conversation(long deletedAt) {
            this.deletedAt = deletedAt;
        }

        /** The slot holding the message, or -1. */
        int slotOf(long idHash) {
            int slot = probe(slots, idHash);
            return slots[slot * LONGS_PER_SLOT] == idHash ? slot : -1;
        }

        long fingerprint(int slot) {
            return slots[slot * LONGS_PER_SLOT + 1];
        }

        long rememberedAt(int slot) {
            return slots[slot * LONGS_PER_SLOT + 3];
        }

        /** Remembers the message unless a later offset is known for it; true when it is new here. */
        boolean put(long idHash, long fingerprint, long offset, long now) {
            int slot = probe(slots, idHash);
            int at = slot * LONGS_PER_SLOT;
            boolean added = slots[at] == EMPTY;
            if (!added && slots[at + 2] >= offset) {
                return false;
            }
            slots[at] = idHash;
            slots[at + 1] = fingerprint;
            slots[at + 2] = offset;
            slots[at + 3] = now;
            if (added && ++size * 2 > capacity()) {
                grow();
            }
            return added;
        }

        private int capacity() {
            return slots.length / LONGS_PER_SLOT;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            for (int at = 0; at < old.length; at += LONGS_PER_SLOT) {
                if (old[at] != EMPTY) {
                    System.arraycopy(old, at, slots, probe(slots, old[at]) * LONGS_PER_SLOT, LONGS_PER_SLOT);
                }
            }
        }

        /** The slot holding {@code idHash}, or the empty one where it would go (the table is never full). */
        private static int probe(long[] slots, long idHash) {
            int mask = slots.length / LONGS_PER_SLOT - 1;
            int slot = (int) (idHash ^ (idHash >>> 32)) & mask;
            while (slots[slot * LONGS_PER_SLOT] != EMPTY && slots[slot * LONGS_PER_SLOT] != idHash) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }
    }
}
