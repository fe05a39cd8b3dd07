package dev.chatsync.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.chatsync.schemas.Envelopes;
import dev.chatsync.schemas.event.AccountDeleted;
import dev.chatsync.schemas.event.AccountEvent;
import dev.chatsync.schemas.event.DeletionSource;
import dev.chatsync.schemas.event.UserProfileChanged;

class AccountEventCodecTest {

    private final AccountEventSerializer serializer = new AccountEventSerializer();
    private final AccountEventDeserializer deserializer = new AccountEventDeserializer();

    @Test
    void aProfileChangeRoundTrips() {
        AccountEvent event = Envelopes.of("msg_1", "user_1", Instant.ofEpochMilli(1_700_000_000_000L),
                new UserProfileChanged("Ada Lovelace", "ada@example.com", "https://img.example/ada.png", Instant.ofEpochMilli(1_699_999_999_000L)));

        assertThat(deserializer.deserialize("t", serializer.serialize("t", event))).isEqualTo(event);
    }

    @Test
    void aDeletionRoundTrips() {
        AccountEvent event = Envelopes.of(Envelopes.newEventId(), "user_1", Instant.ofEpochMilli(1_700_000_000_000L),
                new AccountDeleted(DeletionSource.user));

        assertThat(deserializer.deserialize("t", serializer.serialize("t", event))).isEqualTo(event);
    }

    @Test
    void aConversationEventIsNotAnAccountEvent() {
        byte[] conversationEvent = new ConversationEventSerializer().serialize("t",
                Envelopes.of("user_1", "c", Instant.now(), new dev.chatsync.schemas.event.ConversationDeleted()));

        assertThatThrownBy(() -> deserializer.deserialize("t", conversationEvent)).isInstanceOf(SerializationException.class);
    }

    @Test
    void everyReleasedVersionIsMutuallyCompatibleWithAllEarlierOnes() {
        SchemaEvolutionTest.checkEvolution(SchemaHistory.accountEventVersions());
    }

    @Test
    void theGeneratedSchemaIsTheNewestReleasedVersion() {
        List<Schema> versions = SchemaHistory.accountEventVersions();

        assertThat(SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1)))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(AccountEvent.getClassSchema()));
    }
}
