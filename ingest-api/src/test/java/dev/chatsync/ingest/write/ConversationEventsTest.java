package dev.chatsync.ingest.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.event.MessageRole;

class ConversationEventsTest {

    private static final SyncRequest.Message MESSAGE = new SyncRequest.Message("m1", MessageRole.assistant, "partial", null, null, null, null);

    @Test
    void fingerprintChangesWithEverythingTheEventCarries() {
        SyncRequest request = new SyncRequest("c", "p", "t", List.of(MESSAGE));
        long base = ConversationEvents.fingerprint(request, MESSAGE);
        assertThat(ConversationEvents.fingerprint(new SyncRequest("other-conv", "p", "t", List.of()), MESSAGE))
                .as("the conversation is part of the cache key, not the fingerprint").isEqualTo(base);
        assertThat(ConversationEvents.fingerprint(new SyncRequest("c", "q", "t", List.of()), MESSAGE)).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(new SyncRequest("c", "p", null, List.of()), MESSAGE)).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(new SyncRequest("c", "p", "", List.of()), MESSAGE)).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, new SyncRequest.Message("m1", MessageRole.user, "partial", null, null, null, null))).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, new SyncRequest.Message("m1", MessageRole.assistant, "partial answer", null, null, null, null))).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, new SyncRequest.Message("m1", MessageRole.assistant, "partial", Instant.EPOCH, null, null, null))).isNotEqualTo(base);
    }

    @Test
    void fingerprintCoversPartsAndMetadata() {
        SyncRequest request = new SyncRequest("c", "p", "t", List.of(MESSAGE));
        long base = ConversationEvents.fingerprint(request, MESSAGE);
        long withParts = ConversationEvents.fingerprint(request, withJson("[{\"type\":\"text\",\"text\":\"partial\"}]", null));
        long withMetadata = ConversationEvents.fingerprint(request, withJson(null, "{\"model\":\"m\"}"));

        assertThat(withParts).isNotEqualTo(base).isNotEqualTo(withMetadata);
        assertThat(withMetadata).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, withJson("[{\"type\":\"text\",\"text\":\"partial!\"}]", null))).isNotEqualTo(withParts);
        // the same text in the other field is another message
        assertThat(ConversationEvents.fingerprint(request, withJson(null, "[{\"type\":\"text\",\"text\":\"partial\"}]"))).isNotEqualTo(withParts);
    }

    @Test
    void fingerprintCoversTheBaseRevision() {
        SyncRequest request = new SyncRequest("c", "p", "t", List.of(MESSAGE));
        long base = ConversationEvents.fingerprint(request, MESSAGE);
        long fromOne = ConversationEvents.fingerprint(request, fromRevision(1));

        assertThat(fromOne).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, fromRevision(2))).isNotEqualTo(fromOne).isNotEqualTo(base);
        assertThat(ConversationEvents.fingerprint(request, fromRevision(1))).isEqualTo(fromOne);
    }

    @Test
    void messageUpsertedCarriesTheRevisionTheClientEditedFrom() {
        var edited = (dev.chatsync.schemas.event.MessageUpserted) ConversationEvents.messageUpserted("user_1",
                new SyncRequest("c", "p", null, List.of(fromRevision(3))), fromRevision(3), Instant.ofEpochMilli(42)).getPayload();
        assertThat(edited.getBaseRevision()).isEqualTo(3);
        var plain = (dev.chatsync.schemas.event.MessageUpserted) ConversationEvents.messageUpserted("user_1",
                new SyncRequest("c", "p", null, List.of(MESSAGE)), MESSAGE, Instant.ofEpochMilli(42)).getPayload();
        assertThat(plain.getBaseRevision()).isNull();
    }

    @Test
    void messageUpsertedCarriesPartsAndMetadataAsTheirJsonText() {
        SyncRequest.Message message = withJson("[{\"type\":\"reasoning\",\"text\":\"hmm\"}]", "{\"a\":1}");
        var payload = (dev.chatsync.schemas.event.MessageUpserted) ConversationEvents.messageUpserted("user_1",
                new SyncRequest("c", "p", null, List.of(message)), message, Instant.ofEpochMilli(42)).getPayload();
        assertThat(payload.getParts()).isEqualTo("[{\"type\":\"reasoning\",\"text\":\"hmm\"}]");
        assertThat(payload.getMetadata()).isEqualTo("{\"a\":1}");
        var plain = (dev.chatsync.schemas.event.MessageUpserted) ConversationEvents.messageUpserted("user_1",
                new SyncRequest("c", "p", null, List.of(MESSAGE)), MESSAGE, Instant.ofEpochMilli(42)).getPayload();
        assertThat(plain.getParts()).isNull();
        assertThat(plain.getMetadata()).isNull();
    }

    @Test
    void fieldBoundariesMatter() {
        SyncRequest ab = new SyncRequest("c", "ab", "c", List.of());
        SyncRequest a = new SyncRequest("c", "a", "bc", List.of());
        assertThat(ConversationEvents.fingerprint(ab, MESSAGE)).isNotEqualTo(ConversationEvents.fingerprint(a, MESSAGE));
    }

    @Test
    void messageUpsertedCarriesTheConversationsPersonaAndTitle() {
        SyncRequest request = new SyncRequest("c", "hitesh", "Title", List.of(MESSAGE));
        var event = ConversationEvents.messageUpserted("user_1", request, MESSAGE, Instant.ofEpochMilli(42));
        assertThat(event.getUserId()).isEqualTo("user_1");
        assertThat(event.getConversationId()).isEqualTo("c");
        assertThat(event.getAcceptedAt()).isEqualTo(Instant.ofEpochMilli(42));
        assertThat(event.getEventId()).hasSize(36);
        var payload = (dev.chatsync.schemas.event.MessageUpserted) event.getPayload();
        assertThat(payload.getPersonaId()).isEqualTo("hitesh");
        assertThat(payload.getTitle()).isEqualTo("Title");
        assertThat(payload.getMessageId()).isEqualTo("m1");
    }

    private static SyncRequest.Message fromRevision(int revision) {
        return new SyncRequest.Message("m1", MessageRole.assistant, "partial", null, null, null, revision);
    }

    private static SyncRequest.Message withJson(String parts, String metadata) {
        return new SyncRequest.Message("m1", MessageRole.assistant, "partial", null, parts, metadata, null);
    }
}
