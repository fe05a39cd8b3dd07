package dev.chatsync.localstack;

import static dev.chatsync.localstack.ChatClient.conversation;
import static dev.chatsync.localstack.ChatClient.message;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * One user's devices writing the same conversations, end to end through Kafka and the persister (issue
 * 17): a device that is behind never reverts a newer edit by its periodic re-sync, two edits of the
 * same revision end alike in either order with both kept, the conflict counted, moving the ETag and
 * fed to the other device, a delete stays a delete until the user really writes to the conversation
 * again, and a streaming reply still updates in place. Every read waits for the write before it with
 * the 202's syncToken.
 */
class LocalStackSeveralDevicesIT {

    @TempDir
    static Path data;
    static LocalStack stack;
    static ChatClient client;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackSettings.forTests(data));
        client = new ChatClient(stack.apiUrl());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aStaleReSyncFromADeviceThatIsBehindNeverRevertsANewerEdit() {
        String deviceA = client.token("several_stale");
        String deviceB = client.token("several_stale");
        for (boolean editWithRevision : List.of(true, false)) {
            String id = editWithRevision ? "edited-from-its-revision" : "edited-without-revision";
            String stored = post(deviceA, conversation(id, "hitesh", List.of(
                    message("q", "user", "Explain consumer groups"), message("m1", "assistant", "version one"))));
            JsonNode read = messages(deviceB, id, stored);
            assertThat(read.get(1).get("revision").asInt()).isEqualTo(1);

            post(deviceB, conversation(id, "hitesh", List.of(message("q", "user", "Explain consumer groups"),
                    editWithRevision ? message("m1", "assistant", "version two", read.get(1).get("revision").asInt())
                            : message("m1", "assistant", "version two"))));
            // device A has not pulled since: its periodic sync re-sends its whole copy, with the revision it
            // read and, as a plain client would, without
            post(deviceA, conversation(id, "hitesh", List.of(message("q", "user", "Explain consumer groups", 1),
                    message("m1", "assistant", "version one", 1))));
            String resynced = post(deviceA, conversation(id, "hitesh", List.of(message("q", "user", "Explain consumer groups"),
                    message("m1", "assistant", "version one"))));

            JsonNode after = messages(deviceA, id, resynced);
            assertThat(after.get(1).get("content").asString()).as("%s: the newer edit stays current", id).isEqualTo("version two");
            assertThat(after.get(1).get("revision").asInt()).isEqualTo(2);
            assertThat(after.get(1).has("conflicts")).as("%s: a known copy is no conflict", id).isFalse();
            assertThat(after.get(0).get("revision").asInt()).isEqualTo(1);
            JsonNode history = client.revisions(deviceA, id, "m1").json();
            assertThat(contents(history.get("revisions"))).as("%s: the re-sends stored nothing", id).containsExactly("version one");
            assertThat(history.get("revisions").get(0).get("conflict").asBoolean()).isFalse();
        }
    }

    @Test
    void twoDevicesEditingOneRevisionEndAlikeInEitherOrderAndTheOtherDeviceSeesTheConflict() {
        String deviceA = client.token("several_concurrent");
        String deviceB = client.token("several_concurrent");
        // README's example: the greater sha256 of [role, content, parts, metadata] is Pune's
        String fromA = "Plan a trip to Pune";
        String fromB = "Plan a trip to Goa";
        for (String id : List.of("a-first", "b-first")) {
            String stored = post(deviceA, conversation(id, "hitesh", List.of(message("m1", "user", "Plan a trip"))));
            assertThat(messages(deviceA, id, stored).get(0).get("revision").asInt()).isEqualTo(1);
        }
        SecondDevice following = new SecondDevice(client, deviceB).catchUp(100);
        assertThat(following.copy().toString()).doesNotContain("conflicts");

        // both edit revision 1, neither seeing the other's edit; the arrival order differs per conversation
        String aEdited = post(deviceA, conversation("a-first", "hitesh", List.of(message("m1", "user", fromA, 1))));
        String tag = client.get(deviceA, "?conversationId=a-first", aEdited).header("ETag");
        assertThat(client.revalidate(deviceA, "?conversationId=a-first", tag).status()).isEqualTo(304);
        String aFirst = post(deviceB, conversation("a-first", "hitesh", List.of(message("m1", "user", fromB, 1))));
        post(deviceB, conversation("b-first", "hitesh", List.of(message("m1", "user", fromB, 1))));
        String bFirst = post(deviceA, conversation("b-first", "hitesh", List.of(message("m1", "user", fromA, 1))));

        JsonNode current = messages(deviceA, "a-first", aFirst).get(0);
        JsonNode currentOtherOrder = messages(deviceA, "b-first", bFirst).get(0);
        String winner = fromA;
        String loser = fromB;
        assertThat(current.get("content").asString()).isEqualTo(winner);
        assertThat(currentOtherOrder.get("content").asString()).as("the same version is current whatever the arrival order").isEqualTo(winner);
        for (JsonNode message : List.of(current, currentOtherOrder)) {
            assertThat(message.get("conflicts").asInt()).isEqualTo(1);
        }
        ChatClient.Response revalidated = client.revalidate(deviceA, "?conversationId=a-first", tag);
        assertThat(revalidated.status()).as("a kept conflict changes the read, though not the current version").isEqualTo(200);
        assertThat(revalidated.header("ETag")).isNotEqualTo(tag);
        // revision numbers follow arrival: the current edit is 2 when it came first, 3 when it came second
        assertThat(current.get("revision").asInt()).isEqualTo(2);
        assertThat(currentOtherOrder.get("revision").asInt()).isEqualTo(3);
        for (String id : List.of("a-first", "b-first")) {
            JsonNode kept = client.revisions(deviceA, id, "m1").json().get("revisions");
            assertThat(contents(kept)).as("%s: the other edit kept, and the original", id).containsExactly(loser, "Plan a trip");
            assertThat(kept.get(0).get("revision").asInt()).isEqualTo(id.equals("a-first") ? 3 : 2);
            assertThat(kept.get(0).get("conflict").asBoolean()).isTrue();
            assertThat(kept.get(0).get("basedOn").asInt()).isEqualTo(1);
            assertThat(kept.get(1).get("revision").asInt()).isEqualTo(1);
            assertThat(kept.get(1).get("conflict").asBoolean()).isFalse();
            assertThat(kept.get(1).has("basedOn")).isFalse();
        }

        // the device whose edit lost learns it from the feed: the message with the other content and the count
        following.catchUp(100);
        for (String id : List.of("a-first", "b-first")) {
            JsonNode followed = following.copy().get(id).get("messages").get(0);
            assertThat(followed.get("content").asString()).isEqualTo(winner);
            assertThat(followed.get("conflicts").asInt()).isEqualTo(1);
        }
        assertThat(following.copy()).isEqualTo(SecondDevice.fullRead(client, deviceB));

        // the losing device's next periodic re-sync, without revisions, changes nothing
        String resynced = post(deviceB, conversation("a-first", "hitesh", List.of(message("m1", "user", loser))));
        JsonNode afterResync = messages(deviceA, "a-first", resynced).get(0);
        assertThat(afterResync.get("content").asString()).isEqualTo(winner);
        assertThat(afterResync.get("conflicts").asInt()).isEqualTo(1);
    }

    @Test
    void aStaleReSyncAfterADeleteDoesNotBringTheConversationBackButANewMessageDoes() {
        String deviceA = client.token("several_deleter");
        String deviceB = client.token("several_deleter");
        List<Map<String, Object>> staleCopy = List.of(message("m1", "user", "Is this kept?"), message("m2", "assistant", "Until you delete it."));
        String stored = post(deviceA, conversation("doomed", "hitesh", staleCopy));
        assertThat(messages(deviceB, "doomed", stored)).hasSize(2);
        SecondDevice following = new SecondDevice(client, deviceB).catchUp(100);

        String deleted = deleteOf(deviceA, "doomed");
        assertThat(client.get(deviceA, "?conversationId=doomed", deleted).status()).isEqualTo(404);

        // device B missed the delete: its periodic sync re-sends its copy, plain and with revisions
        post(deviceB, conversation("doomed", "hitesh", staleCopy));
        String resynced = post(deviceB, conversation("doomed", "hitesh", List.of(
                message("m1", "user", "Is this kept?", 1), message("m2", "assistant", "Until you delete it.", 1))));
        ChatClient.Response gone = client.get(deviceB, "?conversationId=doomed", resynced);
        assertThat(gone.header("Chat-Sync-Consistent")).isEqualTo("true");
        assertThat(gone.status()).as("the re-sync did not bring it back: %s", gone.body()).isEqualTo(404);
        assertThat(client.get(deviceB, "").body()).doesNotContain("doomed");

        // a message that did not exist before the delete is a real write: the conversation starts again with it
        List<Map<String, Object>> withNewMessage = new ArrayList<>(staleCopy);
        withNewMessage.add(message("m3", "user", "Let's start over"));
        String rewritten = post(deviceB, conversation("doomed", "hitesh", withNewMessage));
        assertThat(contents(messages(deviceB, "doomed", rewritten))).containsExactly("Let's start over");

        following.catchUp(100);
        assertThat(following.copy()).isEqualTo(SecondDevice.fullRead(client, deviceB));
        assertThat(following.copy().toString()).doesNotContain("Until you delete it.");
    }

    @Test
    void aStreamingReplyWithoutRevisionsStillUpdatesInPlace() {
        String device = client.token("several_streamer");
        StringBuilder reply = new StringBuilder();
        String last = null;
        for (int chunk = 1; chunk <= 20; chunk++) {
            reply.append("chunk ").append(chunk).append(' ');
            last = post(device, conversation("streaming", "hitesh", List.of(
                    message("q", "user", "Tell me a long story"), message("a", "assistant", reply.toString().trim()))));
        }
        JsonNode answer = messages(device, "streaming", last).get(1);
        assertThat(answer.get("content").asString()).isEqualTo(reply.toString().trim());
        assertThat(answer.get("revision").asInt()).isEqualTo(20);
        assertThat(answer.has("conflicts")).isFalse();
    }

    /** Posts a conversation; returns the 202's syncToken. */
    private static String post(String token, Map<String, Object> conversation) {
        ChatClient.Response accepted = client.post(token, conversation);
        assertThat(accepted.status()).as("POST: %s", accepted.body()).isEqualTo(202);
        return accepted.json().get("syncToken").asString();
    }

    private static String deleteOf(String token, String conversationId) {
        ChatClient.Response accepted = client.delete(token, conversationId);
        assertThat(accepted.status()).as("DELETE: %s", accepted.body()).isEqualTo(202);
        return accepted.json().get("syncToken").asString();
    }

    /** The conversation's messages, read once the write of {@code syncToken} is stored. */
    private static JsonNode messages(String token, String conversationId, String syncToken) {
        ChatClient.Response read = client.get(token, "?conversationId=" + conversationId, syncToken);
        assertThat(read.status()).as("GET %s: %s", conversationId, read.body()).isEqualTo(200);
        assertThat(read.header("Chat-Sync-Consistent")).as("GET %s waited for its write", conversationId).isEqualTo("true");
        return read.json().get("messages");
    }

    private static List<String> contents(JsonNode messages) {
        List<String> contents = new ArrayList<>();
        messages.forEach(message -> contents.add(message.get("content").asString()));
        return contents;
    }
}
