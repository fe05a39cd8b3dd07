package dev.chatsync.ingest.dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * could arrange that. Bounded by message count (a conversation weighs as many as it holds) and by
 * age.
 */
@Component
public final class RecentlyPublished {

    private static final long EMPTY = 0;

    private final long ttlMillis;
    private final LongSupplier clock;
    private final Cache<ConversationKey, Conversation> conversations;

    @Autowired
    RecentlyPublished(DedupProperties properties) {
        this(properties, System::currentTimeMillis);
    }

    RecentlyPublished(DedupProperties properties, LongSupplier clockMillis) {
        this.ttlMillis = properties.ttl().toMillis();
        this.clock = clockMillis;
        this.conversations = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, properties.maxMessages()))
                .weigher((ConversationKey key, Conversation conversation) -> 1 + conversation.size)
                // a conversation last written ttl ago holds no message that is still trusted
                .expireAfterWrite(properties.ttl())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clockMillis.getAsLong()))
                // evicting on the calling thread: handing each write's upkeep to the common pool costs a
                // thread wake-up per request on a small machine, and eviction becomes deterministic
                .executor(Runnable::run)
                .build();
    }

    /** A message as this cache knows it: its id in the conversation and the fingerprint of its event. */
    public interface Fingerprinted {
        String messageId();

        long fingerprint();
    }

    /**
     * The messages of a request still to publish, and where the others were stored: the
     * conversation's partition and the highest offset among the skipped messages (both -1 when none
     * was skipped), which is as far as a read must wait to see them.
     */
    public record Unpublished<M>(List<M> messages, int partition, long highestSkippedOffset) {
    }

    /** The messages not published with their fingerprint recently enough to trust, in their order. */
    public <M extends Fingerprinted> Unpublished<M> unpublished(ConversationKey key, List<M> messages) {
        Conversation conversation = conversations.getIfPresent(key);
        if (conversation == null) {
            return new Unpublished<>(messages, -1, -1);
        }
        long oldest = clock.getAsLong() - ttlMillis;
        List<M> unpublished = new ArrayList<>(messages.size());
        long highestSkipped = -1;
        int partition;
        synchronized (conversation) {
            for (M message : messages) {
                int slot = conversation.slotOf(idHash(message.messageId()));
                if (slot < 0 || conversation.fingerprint(slot) != message.fingerprint() || conversation.rememberedAt(slot) < oldest) {
                    unpublished.add(message);
                } else {
                    highestSkipped = Math.max(highestSkipped, conversation.offset(slot));
                }
            }
            partition = conversation.partition;
        }
        return highestSkipped < 0 ? new Unpublished<>(unpublished, -1, -1) : new Unpublished<>(unpublished, partition, highestSkipped);
    }

    /**
     * Records that Kafka stored {@code messages.get(i)} with its fingerprint at {@code offsets[i]} of
     * {@code partition} (negative: not stored), in one update of the conversation's entry.
     */
    public void remember(ConversationKey key, List<? extends Fingerprinted> messages, int partition, long[] offsets) {
        long now = clock.getAsLong();
        // compute() runs one key's writers one at a time (and re-weighs the entry); the monitor
        // makes the table's changes safe for readers in unpublished()
        conversations.asMap().compute(key, (k, known) -> {
            Conversation conversation = known == null ? new Conversation(-1, messages.size()) : known;
            synchronized (conversation) {
                for (int i = 0; i < messages.size(); i++) {
                    if (offsets[i] >= 0 && offsets[i] > conversation.deletedAt) {
                        Fingerprinted message = messages.get(i);
                        conversation.put(idHash(message.messageId()), message.fingerprint(), offsets[i], now);
                        conversation.partition = partition;
                    }
                }
            }
            return conversation;
        });
    }

    /**
     * Forgets the conversation. Called before a delete is published (so nothing is skipped against it
     * meanwhile) and again once it is stored at {@code deletedAt}, to fence off acknowledgements of
     * earlier publishes that arrive late; -1 when the offset is not known yet.
     */
    public void forget(ConversationKey key, long deletedAt) {
        conversations.asMap().compute(key, (k, old) -> new Conversation(Math.max(deletedAt, old == null ? -1 : old.deletedAt), 0));
    }

    /** Messages and conversations remembered, the measure of the cache's bound. */
    long size() {
        conversations.cleanUp();
        return conversations.policy().eviction().orElseThrow().weightedSize().orElseThrow();
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
     * young collection copy most of the cache. Messages are never removed one by one, only with
     * their conversation. The partition is the conversation's, not the message's: one conversation
     * is one Kafka key.
     */
    private static final class Conversation {
        private static final int LONGS_PER_SLOT = 4;

        final long deletedAt;
        int size;
        int partition = -1;
        private long[] slots;

        /** Sized for {@code expected} messages at once: a new conversation's first request would otherwise grow it twice. */
        Conversation(long deletedAt, int expected) {
            this.deletedAt = deletedAt;
            int capacity = 8;
            while (expected * 2 > capacity) {
                capacity *= 2;
            }
            this.slots = new long[capacity * LONGS_PER_SLOT];
        }

        /** The slot holding the message, or -1. */
        int slotOf(long idHash) {
            int slot = probe(slots, idHash);
            return slots[slot * LONGS_PER_SLOT] == idHash ? slot : -1;
        }

        long fingerprint(int slot) {
            return slots[slot * LONGS_PER_SLOT + 1];
        }

        long offset(int slot) {
            return slots[slot * LONGS_PER_SLOT + 2];
        }

        long rememberedAt(int slot) {
            return slots[slot * LONGS_PER_SLOT + 3];
        }

        /** Remembers the message unless a later offset is known for it. */
        void put(long idHash, long fingerprint, long offset, long now) {
            int slot = probe(slots, idHash);
            int at = slot * LONGS_PER_SLOT;
            boolean added = slots[at] == EMPTY;
            if (!added && slots[at + 2] >= offset) {
                return;
            }
            slots[at] = idHash;
            slots[at + 1] = fingerprint;
            slots[at + 2] = offset;
            slots[at + 3] = now;
            if (added && ++size * 2 > capacity()) {
                grow();
            }
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
