package dev.chatsync.ingest.export;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * GET /api/export ({@code chatsync.ingest.export.*}). An export holds at most one page of rows and
 * one chunk of output at a time, whatever the size of the account.
 *
 * @param conversationsPerPage conversations read per query
 * @param rowsPerPage          messages (and, with revisions, their earlier versions) read per query
 * @param chunkBytes           output is handed to the connection whenever this much is written, and
 *                             after every page; the next page is read only when the client took it
 */
@ConfigurationProperties("chatsync.ingest.export")
public record ExportProperties(
        @DefaultValue("100") int conversationsPerPage,
        @DefaultValue("500") int rowsPerPage,
        @DefaultValue("64KB") DataSize chunkBytes) {
}
