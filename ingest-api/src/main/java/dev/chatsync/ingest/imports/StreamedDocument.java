package dev.chatsync.ingest.imports;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import dev.chatsync.ingest.problem.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An import body parsed as its bytes arrive (Jackson's non-blocking parser), never held whole: each
 * conversation becomes a JSON tree of its own, handed to the {@link Listener} as soon as it closes
 * and then dropped. The two forms an import takes are told apart by the first token: an object is
 * a chat-sync export (its {@code conversations} array is split, its other top-level properties are
 * handed over as they are), an array is ChatGPT's {@code conversations.json} (each element a
 * conversation). Numbers keep their exact decimal value, as a POST's do.
 */
final class StreamedDocument {

    enum Form { CHAT_SYNC_EXPORT, CHATGPT }

    interface Listener {
        /** A top-level property of a chat-sync export other than its conversations. */
        void property(String name, JsonNode value);

        /** The conversation at {@code index} of the document's conversations, at {@code path}. */
        void conversation(int index, String path, JsonNode conversation);
    }

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final String CONVERSATIONS = "conversations";

    private final long maxBytes;
    private final Listener listener;
    private final JsonParser parser = JSON.createNonBlockingByteArrayParser(ObjectReadContext.empty());
    private final ByteArrayFeeder feeder = (ByteArrayFeeder) parser.nonBlockingInputFeeder();
    private final Deque<JsonNode> open = new ArrayDeque<>();
    private long bytes;
    private byte[] heldBack = new byte[0];
    private Form form;
    private int depth;
    private String topProperty;
    private boolean inConversations;
    private boolean hadConversations;
    private int conversations;
    private String name;

    StreamedDocument(long maxBytes, Listener listener) {
        this.maxBytes = maxBytes;
        this.listener = listener;
    }

    /** Whether a chat-sync export had its conversations array (possibly empty). */
    boolean hadConversations() {
        return hadConversations;
    }

    /** The form, once the first token was read; null before. */
    Form form() {
        return form;
    }

    void feed(byte[] chunk) {
        bytes += chunk.length;
        if (bytes > maxBytes) {
            throw ProblemException.tooLarge(maxBytes);
        }
        byte[] input = heldBack.length == 0 ? chunk : joined(heldBack, chunk);
        int end = input.length;
        while (end > 0 && endsChunkBadly(input[end - 1])) {
            end--;
        }
        heldBack = Arrays.copyOfRange(input, end, input.length);
        if (end > 0) {
            parse(input, end);
        }
    }

    /** The body ended: anything left unclosed is malformed. */
    void end() {
        if (heldBack.length > 0) {
            parse(heldBack, heldBack.length);
        }
        try {
            feeder.endOfInput();
            drain();
        } catch (JacksonException e) {
            throw malformed(e);
        }
        if (form == null) {
            throw ProblemException.invalid("$", "required", "a JSON document is required: a chat-sync export or ChatGPT's conversations.json");
        }
    }

    private void parse(byte[] input, int length) {
        try {
            feeder.feedInput(input, 0, length);
            drain();
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    /**
     * Jackson's non-blocking parser (3.1) accepts {@code {"a": }} and {@code {"a": 1, }} when its input
     * is cut right after the colon or comma (or whitespace after them): such bytes are held back
     * until the next chunk, so where the network cuts the body never decides whether it is valid.
     */
    private static boolean endsChunkBadly(byte b) {
        return b == ':' || b == ',' || b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] joined(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }

    private void drain() {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            token(token);
        }
    }

    private void token(JsonToken token) {
        if (form == null) {
            form = switch (token) {
                case START_OBJECT -> Form.CHAT_SYNC_EXPORT;
                case START_ARRAY -> Form.CHATGPT;
                default -> throw ProblemException.invalid("$", "type",
                        "must be a chat-sync export (a JSON object) or ChatGPT's conversations.json (a JSON array)");
            };
            depth = 1;
            return;
        }
        if (depth == 0) {
            throw ProblemException.invalid("$", "single_document", "must hold one JSON document and nothing after it");
        }
        if (open.isEmpty() && (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT)) {
            // the end of the conversations array, or of the document
            depth--;
            inConversations = false;
            return;
        }
        if (!open.isEmpty() || (depth == elementDepth() && inElements())) {
            value(token);
            return;
        }
        // a top-level property of a chat-sync export
        if (token == JsonToken.PROPERTY_NAME) {
            topProperty = parser.currentName();
        } else if (token == JsonToken.START_ARRAY && CONVERSATIONS.equals(topProperty)) {
            inConversations = true;
            hadConversations = true;
            depth = 2;
        } else {
            value(token);
        }
    }

    /** Depth of the conversations: 1 in ChatGPT's array, 2 in a chat-sync export's conversations array. */
    private int elementDepth() {
        return form == Form.CHATGPT ? 1 : 2;
    }

    private boolean inElements() {
        return form == Form.CHATGPT || inConversations;
    }

    /** A token of a value being built: a conversation, or a top-level property of an export. */
    private void value(JsonToken token) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (token) {
            case PROPERTY_NAME -> name = parser.currentName();
            case START_OBJECT -> open.push(attach(nodes.objectNode()));
            case START_ARRAY -> open.push(attach(nodes.arrayNode()));
            case END_OBJECT, END_ARRAY -> {
                JsonNode closed = open.pop();
                if (open.isEmpty()) {
                    complete(closed);
                }
            }
            case VALUE_STRING -> scalar(nodes.stringNode(parser.getString()));
            case VALUE_NUMBER_INT -> scalar(switch (parser.getNumberType()) {
                case INT -> nodes.numberNode(parser.getIntValue());
                case LONG -> nodes.numberNode(parser.getLongValue());
                default -> nodes.numberNode(parser.getBigIntegerValue());
            });
            case VALUE_NUMBER_FLOAT -> scalar(nodes.numberNode(parser.getDecimalValue()));
            case VALUE_TRUE, VALUE_FALSE -> scalar(nodes.booleanNode(token == JsonToken.VALUE_TRUE));
            case VALUE_NULL -> scalar(nodes.nullNode());
            default -> throw new IllegalStateException("unexpected token " + token);
        }
    }

    private void scalar(JsonNode node) {
        if (open.isEmpty()) {
            complete(node);
        } else {
            attach(node);
        }
    }

    private JsonNode attach(JsonNode node) {
        JsonNode parent = open.peek();
        if (parent instanceof ObjectNode object) {
            object.set(name, node);
        } else if (parent instanceof ArrayNode array) {
            array.add(node);
        }
        return node;
    }

    private void complete(JsonNode value) {
        if (inElements()) {
            int index = conversations++;
            String path = form == Form.CHATGPT ? JsonPaths.index("$", index) : JsonPaths.index("$." + CONVERSATIONS, index);
            listener.conversation(index, path, value);
        } else {
            listener.property(topProperty, value);
        }
    }

    private ProblemException malformed(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return ProblemException.invalid(JsonPaths.of(parser.streamReadContext()), "malformed_json", "not valid JSON" + where + ": "
                + e.getOriginalMessage());
    }
}
