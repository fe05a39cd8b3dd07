package dev.chatsync.ingest.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one POST may carry ({@code chatsync.ingest.limits.*}). Every bound exists so that one
 * request can cost the service, Kafka and Postgres only a known amount.
 *
 * @param maxBodyBytes    request body size; larger bodies get 413 before they are read (Content-Length)
 *                        or as soon as the limit is crossed (chunked)
 * @param maxMessages     messages per request; a whole re-synced conversation must fit
 * @param maxContentBytes UTF-8 size of one message's content, also when it is derived from its text parts
 * @param maxIdLength     length of conversationId, personaId and message ids
 * @param maxTitleLength  length of a conversation title, in chars
 * @param maxPartsBytes   UTF-8 size of one message's parts and metadata together, as compact JSON
 * @param maxParts        parts per message
 * @param maxJsonDepth    nesting of arrays and objects in a message's parts, and in its metadata (the
 *                        parts array and the metadata object count as 1)
 */
@ConfigurationProperties("chatsync.ingest.limits")
public record IngestLimits(
        @DefaultValue("1MB") DataSize maxBodyBytes,
        @DefaultValue("500") int maxMessages,
        @DefaultValue("32KB") DataSize maxContentBytes,
        @DefaultValue("128") int maxIdLength,
        @DefaultValue("256") int maxTitleLength,
        @DefaultValue("64KB") DataSize maxPartsBytes,
        @DefaultValue("100") int maxParts,
        @DefaultValue("32") int maxJsonDepth) {
}
