package dev.chatsync.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ConversationKeyTest {

    @Test
    void roundTripsConversationIdsThatContainTheSeparator() {
        ConversationKey key = new ConversationKey("user_2abc", "folder/with/slashes");

        assertThat(key.toString()).isEqualTo("user_2abc/folder/with/slashes");
        assertThat(ConversationKey.parse(key.toString())).isEqualTo(key);
    }

    @Test
    void sameConversationIdOfTwoUsersGivesTwoKeys() {
        assertThat(new ConversationKey("user_a", "hitesh-conversation").toString())
                .isNotEqualTo(new ConversationKey("user_b", "hitesh-conversation").toString());
    }

    @Test
    void userIdsWithTheSeparatorAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConversationKey("user/a", "c"));
        assertThatIllegalArgumentException().isThrownBy(() -> new ConversationKey("", "c"));
        assertThatIllegalArgumentException().isThrownBy(() -> ConversationKey.parse("no-separator"));
    }
}
