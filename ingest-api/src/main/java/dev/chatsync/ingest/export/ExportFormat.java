package dev.chatsync.ingest.export;

/**
 * The name and version of the document GET /api/export writes and POST /api/import reads back
 * (README, "Export and import", describes its fields). A change that an older importer could not
 * read takes a new version.
 */
public final class ExportFormat {

    public static final String NAME = "chat-sync.export";
    public static final int VERSION = 1;

    private ExportFormat() {
    }
}
