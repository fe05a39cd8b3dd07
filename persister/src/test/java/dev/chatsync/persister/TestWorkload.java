package dev.chatsync.persister;

import static dev.chatsync.persister.TestEvents.conversation;
import static dev.chatsync.persister.TestEvents.deleted;
import static dev.chatsync.persister.TestEvents.message;

import java.util.ArrayList;
import java.util.List;

import dev.chatsync.schemas.event.ConversationEvent;
import dev.chatsync.schemas.event.MessageRole;

/**
 * A realistic, deterministic event stream: conversations that grow, re-sync, get streaming replies
 * edited, are renamed, deleted and started again under the same id.
 */
public final class TestWorkload {

    private TestWorkload() {
    }

    /** Roughly {@code users * conversations * 33} events. */
    public static List<ConversationEvent> events(String userPrefix, int users, int conversations) {
        List<ConversationEvent> events = new ArrayList<>();
        long second = 0;
        for (int round = 0; round < 3; round++) {
            for (int u = 0; u < users; u++) {
                for (int c = 0; c < conversations; c++) {
                    String userId = userPrefix + u;
                    String conversationId = "conv-" + c;
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
                        events.add(message(userId, conversationId, "m0", MessageRole.user, "a fresh start", second++));
                    }
                }
            }
        }
        return events;
    }
}
