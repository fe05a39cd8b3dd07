package dev.chatsync.persister;

import static dev.chatsync.persister.TestEvents.conversation;
import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.edit;
import static dev.chatsync.persister.TestEvents.message;

import java.util.ArrayList;
import java.util.List;

import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;

/**
 * A realistic, deterministic event stream: conversations that grow, re-sync, get streaming replies
 * edited, get messages edited on other devices (one concurrently on two, which keeps a conflict) that
 * the stale re-syncs after them do not revert, are renamed, deleted, re-sent by a device that missed
 * the delete, and started again under the same id by a new message.
 */
public final class TestWorkload {

    private TestWorkload() {
    }

    /** Roughly {@code users * conversations * 36} events. */
    public static List<ConversationEvent> events(String userPrefix, int users, int conversations) {
        List<ConversationEvent> events = new ArrayList<>();
        long second = 0;
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < users; u++) {
                for (int c = 0; c < conversations; c++) {
                    String userId = userPrefix + u;
                    String conversationId = "conv-" + c;
                    if (round == 1) {
                        events.add(edit(userId, conversationId, "m1", MessageRole.assistant, "message 1, edited on a second device", 1, second++));
                        events.add(edit(userId, conversationId, "m3", MessageRole.assistant, "message 3, edited on device A", 1, second++));
                        events.add(edit(userId, conversationId, "m3", MessageRole.assistant, "message 3, edited on device B", 1, second++));
                    }
                    for (int m = 0; m < 5 * (round + 1); m++) {
                        // each round re-syncs the earlier messages and adds five
                        MessageRole role = m % 2 == 0 ? MessageRole.user : MessageRole.assistant;
                        String content = role == MessageRole.assistant && m == 5 * (round + 1) - 1 ? "reply, still streaming" : "message " + m + " of " + conversationId;
                        events.add(message(userId, conversationId, "m" + m, role, content, second++));
                    }
                    if (round == 1) {
                        events.add(message(userId, conversationId, "m9", MessageRole.assistant, "reply, streamed in full", second++));
                        events.add(conversation(userId, conversationId, "hitesh", "Renamed " + c, second++));
                    }
                    if (round == 2 && c % 3 == 0) {
                        events.add(deleted(userId, conversationId, second++));
                        events.add(message(userId, conversationId, "m1", MessageRole.assistant, "message 1 of " + conversationId, second++));
                        events.add(message(userId, conversationId, "fresh-start", MessageRole.user, "a fresh start", second++));
                    }
                }
            }
        }
        return events;
    }
}
