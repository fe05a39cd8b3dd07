package dev.chatsync.benchmarks.storm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.chatsync.benchmarks.sync.ChatMessages;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST bodies stitched from messages rendered once per position: message ids are unique per
 * conversation only, as clients choose them, so every conversation can share the texts, and the load
 * generator spends its CPU on sending rather than on JSON. Conversation ids repeat across users too
 * ("conv-0"), as the product's do.
 */
final class ConversationBodies {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<byte[]> rendered = new ArrayList<>();

    static String conversationId(int conversation) {
        return "conv-" + conversation;
    }

    /** Messages [from, to) of the conversation. */
    byte[] body(String conversationId, int from, int to) {
        byte[] head = ("{\"conversationId\":\"" + conversationId + "\",\"personaId\":\"persona-" + conversationId
                + "\",\"title\":\"Storm chat\",\"messages\":[").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream(head.length + (to - from) * 1200 + 2);
        body.writeBytes(head);
        for (int i = from; i < to; i++) {
            if (i > from) {
                body.write(',');
            }
            body.writeBytes(message(i));
        }
        body.write(']');
        body.write('}');
        return body.toByteArray();
    }

    private synchronized byte[] message(int position) {
        while (rendered.size() <= position) {
            int n = rendered.size();
            rendered.add(JSON.writeValueAsBytes(ChatMessages.message("m" + n, n, 0)));
        }
        return rendered.get(position);
    }
}
