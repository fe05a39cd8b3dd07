package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and start again: the data stays; --fresh starts from empty. */
class LocalStackRestartIT {

    @TempDir
    Path data;

    @Test
    void restartingKeepsTheDataAndFreshStartsEmpty() {
        LocalStackSettings first = LocalStackSettings.forTests(data);
        try (LocalStack stack = LocalStack.start(first)) {
            ChatClient client = new ChatClient(stack.apiUrl());
            String token = client.token("restart_user");
            assertThat(client.post(token, conversation("kept", "hitesh", List.of(message("m1", "user", "still here?")))).status()).isEqualTo(202);
            assertThat(stack.awaitPersisted(Duration.ofSeconds(30))).isZero();
        }

        LocalStackSettings again = new LocalStackSettings(0, 0, 0, data, false, first.topic(), first.partitions(), first.demoDirectory());
        try (LocalStack stack = LocalStack.start(again)) {
            ChatClient client = new ChatClient(stack.apiUrl());
            assertThat(client.get(client.token("restart_user"), "?conversationId=kept").body()).contains("still here?");
        }

        LocalStackSettings fresh = new LocalStackSettings(0, 0, 0, data, true, first.topic(), first.partitions(), first.demoDirectory());
        try (LocalStack stack = LocalStack.start(fresh)) {
            ChatClient client = new ChatClient(stack.apiUrl());
            assertThat(client.get(client.token("restart_user"), "").body()).doesNotContain("kept");
        }
    }
}
