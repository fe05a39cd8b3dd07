package dev.chatsync.ingest.imports;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import tools.jackson.databind.node.ObjectNode;

/**
 * A conversation of an imported document, turned into the body a POST of it would have
 * ({@code conversationId, personaId, title, messages[{id, role, content | parts, metadata, createdAt}]}),
 * so that the write path checks it by its own rules.
 *
 * @param body         the POST-shaped conversation
 * @param createdAt    when the conversation started
 * @param messageTimes when each message of {@code body} was written (its last change), in order
 * @param sourcePath   the path in the document of a field named by its path in {@code body}
 *                     ({@code messages[2].role} to {@code $.conversations[0].messages[2].role})
 * @param skipped      the document's messages left out of {@code body}, by reason
 */
record ImportedConversation(ObjectNode body, Instant createdAt, List<Instant> messageTimes, UnaryOperator<String> sourcePath,
        Map<String, Integer> skipped) {
}
