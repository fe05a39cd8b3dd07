package dev.chatsync.benchmarks.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Messages of about 1 KB as an AI chat front end sends them: user messages as plain {@code content};
 * every other assistant message as the Vercel AI SDK's {@code parts} (a step, reasoning, the answer's
 * text, and every fifth time a tool call with its input and output) with {@code metadata}, the rest
 * as plain content. The text is words drawn at random, so Postgres stores it as it would real text.
 */
public final class ChatMessages {

    private static final int BYTES = 1024;
    private static final String[] WORDS = ("kafka postgres batch upsert conversation persona message stream reply sync offset "
            + "partition commit transaction neon index row revision client browser cache device hitesh chat model token "
            + "the a of to and in is it that for on with as was at by this be from or have an are not but").split(" ");

    private ChatMessages() {
    }

    /** A POST body: the conversation with these messages (a conversation is created by its first POST). */
    static byte[] post(String conversationId, List<Map<String, Object>> messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversationId", conversationId);
        body.put("personaId", "hitesh");
        body.put("title", "Sync benchmark chat");
        body.put("messages", messages);
        return ApiClient.JSON.writeValueAsBytes(body);
    }

    /** The message at {@code position} of a conversation; {@code version} 0 is the original, a higher one an edit of it. */
    public static Map<String, Object> message(String id, int position, int version) {
        Random random = new Random(31L * id.hashCode() + version);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        if (position % 2 == 0) {
            message.put("role", "user");
            message.put("content", words(random, BYTES - 60));
        } else if (position % 4 == 1) {
            message.put("role", "assistant");
            message.put("content", words(random, BYTES - 60));
        } else {
            message.put("role", "assistant");
            message.put("parts", parts(random, position));
            message.put("metadata", Map.of("model", "gpt-5-mini", "finishReason", "stop",
                    "usage", Map.of("inputTokens", 412 + position, "outputTokens", 180, "totalTokens", 592 + position)));
        }
        return message;
    }

    private static List<Map<String, Object>> parts(Random random, int position) {
        Map<String, Object> reasoning = Map.of("type", "reasoning", "text", words(random, 200), "state", "done");
        if (position % 20 != 3) {
            return List.of(Map.of("type", "step-start"), reasoning,
                    Map.of("type", "text", "text", words(random, BYTES - 480), "state", "done"));
        }
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "tool-searchDocs");
        tool.put("toolCallId", "call_" + Long.toHexString(random.nextLong()));
        tool.put("state", "output-available");
        tool.put("input", Map.of("query", words(random, 40), "limit", 3));
        tool.put("output", Map.of("results", List.of(
                Map.of("title", words(random, 30), "url", "https://docs.example.com/" + random.nextInt(1000)),
                Map.of("title", words(random, 30), "url", "https://docs.example.com/" + random.nextInt(1000)))));
        return List.of(Map.of("type", "step-start"), reasoning, tool,
                Map.of("type", "text", "text", words(random, BYTES - 760), "state", "done"));
    }

    private static String words(Random random, int length) {
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return text.substring(0, length).trim();
    }
}
