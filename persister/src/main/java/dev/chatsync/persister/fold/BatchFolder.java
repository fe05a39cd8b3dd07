package dev.chatsync.persister.fold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import dev.chatsync.persister.fold.FoldedBatch.ConversationChange;
import dev.chatsync.persister.fold.FoldedBatch.ConversationDelete;
import dev.chatsync.persister.fold.FoldedBatch.Generation;
import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.schemas.ConversationKey;
import dev.chatsync.schemas.event.ConversationDeleted;
import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.ConversationUpserted;
import dev.chatsync.schemas.event.MessageUpserted;

/**
 * Folds a batch of events, in Kafka order, into a {@link FoldedBatch} whose application gives the same
 * database as applying the events one by one: per conversation the last metadata wins, per message
 * every distinct version (role, content, parts, metadata) is kept in order (consecutive identical
 * re-syncs collapse), and a delete splits the conversation's events into generations so that messages
 * after it start afresh. One approximation: a conversation that a new message creates again after a
 * delete takes the persona and title of all of its generation's events here, also of re-sent messages
 * the delete had removed (which are not stored); its created_at is still the new message's.
 */
public final class BatchFolder {

    private BatchFolder() {
    }

    public static FoldedBatch fold(List<ConversationEvent> events) {
        TreeSet<String> userIds = new TreeSet<>();
        Map<ConversationKey, List<Segment>> conversations = new LinkedHashMap<>();
        for (ConversationEvent event : events) {
            ConversationKey key = new ConversationKey(event.getUserId(), event.getConversationId());
            userIds.add(key.userId());
            List<Segment> segments = conversations.computeIfAbsent(key, k -> new ArrayList<>());
            Instant acceptedAt = event.getAcceptedAt();
            Object payload = event.getPayload();
            if (payload instanceof ConversationDeleted) {
                Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
                // a second delete with nothing in between deletes nothing more
                if (last == null || !last.isBareDelete()) {
                    segments.add(new Segment(key, acceptedAt));
                }
            } else if (payload instanceof ConversationUpserted upserted) {
                current(segments, key).meta(upserted.getPersonaId(), upserted.getTitle(), acceptedAt);
            } else if (payload instanceof MessageUpserted message) {
                Segment segment = current(segments, key);
                segment.meta(message.getPersonaId(), message.getTitle(), acceptedAt);
                segment.message(message, acceptedAt);
            } else {
                throw new IllegalArgumentException("unknown payload " + payload.getClass().getName());
            }
        }
        return new FoldedBatch(userIds, generations(conversations));
    }

    private static Segment current(List<Segment> segments, ConversationKey key) {
        if (segments.isEmpty()) {
            segments.add(new Segment(key, null));
        }
        return segments.get(segments.size() - 1);
    }

    private static List<Generation> generations(Map<ConversationKey, List<Segment>> conversations) {
        int count = conversations.values().stream().mapToInt(List::size).max().orElse(0);
        List<Generation> generations = new ArrayList<>(count);
        for (int g = 0; g < count; g++) {
            List<ConversationDelete> deletes = new ArrayList<>();
            List<ConversationChange> changes = new ArrayList<>();
            List<List<MessageVersion>> rounds = new ArrayList<>();
            for (List<Segment> segments : conversations.values()) {
                if (g >= segments.size()) {
                    continue;
                }
                Segment segment = segments.get(g);
                if (segment.deletedAt != null) {
                    deletes.add(new ConversationDelete(segment.key, segment.deletedAt));
                }
                if (segment.personaId != null) {
                    changes.add(new ConversationChange(segment.key, segment.personaId, segment.title, segment.firstAcceptedAt, segment.lastAcceptedAt));
                }
                for (List<MessageVersion> versions : segment.messages.values()) {
                    for (int r = 0; r < versions.size(); r++) {
                        if (rounds.size() == r) {
                            rounds.add(new ArrayList<>());
                        }
                        rounds.get(r).add(versions.get(r));
                    }
                }
            }
            generations.add(new Generation(deletes, changes, rounds));
        }
        return generations;
    }

    /** What one conversation's events between two deletes amount to. */
    private static final class Segment {
        private final ConversationKey key;
        /** acceptedAt of the delete this segment starts with; null for the first segment without one */
        private final Instant deletedAt;
        private final Map<String, List<MessageVersion>> messages = new LinkedHashMap<>();
        private String personaId;
        private String title;
        private Instant firstAcceptedAt;
        private Instant lastAcceptedAt;

        Segment(ConversationKey key, Instant deletedAt) {
            this.key = key;
            this.deletedAt = deletedAt;
        }

        boolean isBareDelete() {
            return deletedAt != null && personaId == null;
        }

        void meta(String personaId, String title, Instant acceptedAt) {
            this.personaId = personaId;
            if (title != null) {
                this.title = title;
            }
            if (firstAcceptedAt == null) {
                firstAcceptedAt = acceptedAt;
            }
            if (lastAcceptedAt == null || acceptedAt.isAfter(lastAcceptedAt)) {
                lastAcceptedAt = acceptedAt;
            }
        }

        void message(MessageUpserted message, Instant acceptedAt) {
            List<MessageVersion> versions = messages.computeIfAbsent(message.getMessageId(), id -> new ArrayList<>(1));
            String role = message.getRole().name();
            // Equal JSON text is the same version; texts that differ only in key order or spacing are
            // kept as two versions here and found equal by the database (jsonb compares by value).
            // A repeat with another base collapses too: whatever became of the first copy (current,
            // kept as a conflict, or not stored after a delete), the database would do nothing with
            // the second.
            if (!versions.isEmpty()) {
                MessageVersion last = versions.get(versions.size() - 1);
                if (last.role().equals(role) && last.content().equals(message.getContent())
                        && Objects.equals(last.parts(), message.getParts()) && Objects.equals(last.metadata(), message.getMetadata())) {
                    return;
                }
            }
            Instant createdAt = message.getCreatedAt() != null ? message.getCreatedAt() : acceptedAt;
            versions.add(new MessageVersion(key, message.getMessageId(), role, message.getContent(),
                    message.getParts(), message.getMetadata(), message.getBaseRevision(), createdAt, acceptedAt));
        }
    }
}
