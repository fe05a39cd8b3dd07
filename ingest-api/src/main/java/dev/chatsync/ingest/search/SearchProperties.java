package dev.chatsync.ingest.search;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Full-text search ({@code chatsync.ingest.search.*}). Each bound keeps one search's cost known: the
 * snippets are built for the page's rows only, so the page size bounds the most expensive part.
 *
 * @param defaultLimit   results per page when the client asks for no limit
 * @param maxLimit       the largest {@code limit} a client may ask for
 * @param maxQueryLength length of {@code q}, in chars
 */
@ConfigurationProperties("chatsync.ingest.search")
public record SearchProperties(
        @DefaultValue("20") int defaultLimit,
        @DefaultValue("100") int maxLimit,
        @DefaultValue("256") int maxQueryLength) {
}
