package dev.chatsync.ingest.imports;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * POST /api/import ({@code chatsync.ingest.import.*}). An import is checked whole before anything of
 * it is published, so what it holds meanwhile is its checked messages: these bounds, times
 * {@code maxConcurrent}, are the memory imports can take.
 *
 * @param maxBytes                   size of the uploaded document; larger ones get 413 (before they are
 *                                   read when Content-Length says so, else once the bound is crossed)
 * @param maxConversations           conversations in one document
 * @param maxMessagesPerConversation messages of one conversation (of ChatGPT's, on its current branch)
 * @param maxConcurrent              imports running at once on this instance; another one is answered
 *                                   503 with Retry-After
 * @param chatgptPersonaId           the persona conversations imported from ChatGPT belong to
 */
@ConfigurationProperties("chatsync.ingest.import")
public record ImportProperties(
        @DefaultValue("64MB") DataSize maxBytes,
        @DefaultValue("10000") int maxConversations,
        @DefaultValue("10000") int maxMessagesPerConversation,
        @DefaultValue("2") int maxConcurrent,
        @DefaultValue("chatgpt") String chatgptPersonaId) {

    /** The route these bounds are for; its body is bounded by {@link #maxBytes}, not by the POST limit. */
    public static final String PATH = "/api/import";
}
