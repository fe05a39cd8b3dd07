package dev.chatsync.faults.load;

import java.util.stream.Collectors;

import dev.chatsync.faults.load.Write.MessageCopy;
import dev.chatsync.faults.load.Write.Save;

/** The POST body of a save, as a chat front end's JSON encoder writes it. */
final class Json {

    private Json() {
    }

    static String body(Save save) {
        return "{\"conversationId\":" + string(save.conversationId())
                + ",\"personaId\":" + string(save.personaId())
                + ",\"title\":" + string(save.title())
                + ",\"messages\":[" + save.messages().stream().map(Json::message).collect(Collectors.joining(",")) + "]}";
    }

    static String parts(String reasoning, String text) {
        return "[{\"type\":\"reasoning\",\"text\":" + string(reasoning) + "},{\"type\":\"text\",\"text\":" + string(text) + "}]";
    }

    private static String message(MessageCopy message) {
        return "{\"id\":" + string(message.id()) + ",\"role\":" + string(message.role())
                + (message.content() != null ? ",\"content\":" + string(message.content()) : "")
                + (message.partsJson() != null ? ",\"parts\":" + message.partsJson() : "")
                + "}";
    }

    private static String string(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
