package dev.chatsync.persister.fold;

import static dev.chatsync.persister.TestEvents.conversation;
import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.message;
import static dev.chatsync.schemas.event.MessageRole.assistant;
import static dev.chatsync.schemas.event.MessageRole.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.chatsync.persister.TestEvents;
import dev.chatsync.persister.fold.FoldedBatch.ConversationDelete;
import dev.chatsync.persister.fold.FoldedBatch.Generation;
import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;
import dev.chatsync.schemas.ConversationKey;

class BatchFolderTest {

    private static final ConversationKey C1 = new ConversationKey("u1", "c1");

    @Test
    void messagesOfOneConversationFoldIntoOneRoundInFirstSeenOrder() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                message("u1", "c1", "m1", user, "hi"),
                message("u1", "c1", "m2", assistant, "hello"),
                message("u1", "c1", "m1", user, "hi")));

        assertThat(folded.userIds()).containsExactly("u1");
        assertThat(folded.generations()).hasSize(1);
        Generation generation = folded.generations().get(0);
        assertThat(generation.deletes()).isEmpty();
        assertThat(generation.messageRounds()).hasSize(1);
        assertThat(generation.messageRounds().get(0)).extracting(MessageVersion::messageId).containsExactly("m1", "m2");
    }

    @Test
    void everyDistinctVersionOfAMessageGetsItsOwnRound() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                message("u1", "c1", "m1", assistant, "part", 1),
                message("u1", "c1", "m1", assistant, "part", 2),
                message("u1", "c1", "m1", assistant, "partial answer", 3),
                message("u1", "c1", "m2", user, "next", 4)));

        List<List<MessageVersion>> rounds = folded.generations().get(0).messageRounds();
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0)).extracting(MessageVersion::content).containsExactly("part", "next");
        assertThat(rounds.get(1)).extracting(MessageVersion::content).containsExactly("partial answer");
        assertThat(rounds.get(1).get(0).acceptedAt()).isEqualTo(TestEvents.ACCEPTED_AT.plusSeconds(3));
    }

    @Test
    void aVersionDiffersByPartsOrMetadataToo() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                message("u1", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\"}]", null, 1),
                message("u1", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\"}]", null, 2),
                message("u1", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\",\"state\":\"done\"}]", null, 3),
                message("u1", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\",\"state\":\"done\"}]", "{\"model\":\"m\"}", 4),
                message("u1", "c1", "m1", assistant, "x", "[{\"type\":\"text\",\"text\":\"x\",\"state\":\"done\"}]", "{\"model\":\"m\"}", 5),
                message("u1", "c1", "m1", assistant, "x", null, "{\"model\":\"m\"}", 6)));

        List<List<MessageVersion>> rounds = folded.generations().get(0).messageRounds();
        assertThat(rounds).hasSize(4);
        assertThat(rounds).extracting(round -> round.get(0).acceptedAt()).containsExactly(
                TestEvents.ACCEPTED_AT.plusSeconds(1), TestEvents.ACCEPTED_AT.plusSeconds(3),
                TestEvents.ACCEPTED_AT.plusSeconds(4), TestEvents.ACCEPTED_AT.plusSeconds(6));
        assertThat(rounds.get(2).get(0).metadata()).isEqualTo("{\"model\":\"m\"}");
        assertThat(rounds.get(3).get(0).parts()).isNull();
    }

    @Test
    void aVersionCarriesItsBaseRevisionAndARepeatWithAnotherBaseCollapses() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                TestEvents.edit("u1", "c1", "m1", user, "edited", 3, 1),
                message("u1", "c1", "m1", user, "edited", 2),
                TestEvents.edit("u1", "c1", "m1", user, "edited again", 4, 3),
                message("u1", "c1", "m2", user, "plain", 4)));

        List<List<MessageVersion>> rounds = folded.generations().get(0).messageRounds();
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0)).extracting(MessageVersion::messageId, MessageVersion::baseRevision)
                .containsExactly(tuple("m1", 3), tuple("m2", null));
        assertThat(rounds.get(1)).extracting(MessageVersion::content, MessageVersion::baseRevision).containsExactly(tuple("edited again", 4));
        assertThat(folded.generations().get(0).arrivals()).isEqualTo(rounds.get(0));
    }

    @Test
    void aDeleteStartsANewGenerationForItsConversationOnly() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                message("u1", "c1", "m1", user, "before"),
                message("u2", "c9", "x", user, "elsewhere"),
                deleted("u1", "c1", 1),
                deleted("u1", "c1", 2),
                message("u1", "c1", "m1", user, "after", 3)));

        assertThat(folded.generations()).hasSize(2);
        Generation first = folded.generations().get(0);
        Generation second = folded.generations().get(1);
        assertThat(first.deletes()).isEmpty();
        assertThat(first.messageRounds().get(0)).extracting(MessageVersion::content).containsExactly("before", "elsewhere");
        // the second delete deletes nothing more: the tombstone keeps the first one's time
        assertThat(second.deletes()).containsExactly(new ConversationDelete(C1, TestEvents.ACCEPTED_AT.plusSeconds(1)));
        assertThat(second.conversations()).extracting(FoldedBatch.ConversationChange::key).containsExactly(C1);
        assertThat(second.messageRounds().get(0)).extracting(MessageVersion::content).containsExactly("after");
    }

    @Test
    void aDeleteFirstNeedsNoEarlierGeneration() {
        FoldedBatch folded = BatchFolder.fold(List.of(deleted("u1", "c1", 1), message("u1", "c1", "m1", user, "fresh", 2)));

        assertThat(folded.generations()).hasSize(1);
        assertThat(folded.generations().get(0).deletes()).extracting(ConversationDelete::key).containsExactly(C1);
        assertThat(folded.generations().get(0).messageRounds().get(0)).hasSize(1);
    }

    @Test
    void conversationMetadataKeepsTheLastPersonaAndLastNonNullTitle() {
        FoldedBatch folded = BatchFolder.fold(List.of(
                conversation("u1", "c1", "hitesh", "First", 1),
                conversation("u1", "c1", "piyush", null, 5),
                conversation("u1", "c1", "piyush", null, 3)));

        FoldedBatch.ConversationChange change = folded.generations().get(0).conversations().get(0);
        assertThat(change.personaId()).isEqualTo("piyush");
        assertThat(change.title()).isEqualTo("First");
        assertThat(change.createdAt()).isEqualTo(TestEvents.ACCEPTED_AT.plusSeconds(1));
        assertThat(change.updatedAt()).isEqualTo(TestEvents.ACCEPTED_AT.plusSeconds(5));
        assertThat(folded.generations().get(0).messageRounds()).isEmpty();
    }
}
