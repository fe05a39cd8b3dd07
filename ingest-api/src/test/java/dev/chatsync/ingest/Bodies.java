package dev.chatsync.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies as a chat front end sends them. */
public final class Bodies {

    private Bodies() {
    }

    public static Map<String, Object> message(String id, String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    static Map<String, Object> sync(String conversationId, String personaId, String title, List<Map<String, Object>> messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversationId", conversationId);
        body.put("personaId", personaId);
        if (title != null) {
            body.put("title", title);
        }
        body.put("messages", messages);
        return body;
    }

    /** A conversation of {@code count} alternating user/assistant messages. */
    static List<Map<String, Object>> dialogue(int count) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(message("m" + i, i % 2 == 0 ? "user" : "assistant", (i % 2 == 0 ? "question " : "answer ") + i));
        }
        return messages;
    }
}
