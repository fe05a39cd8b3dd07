package dev.chatsync.ingest.export;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes one export document ({@link ExportFormat}) piece by piece as its pages are read, and hands
 * the output over in chunks of about {@code chunkBytes}. One generator for the whole document keeps
 * the nesting across pages: a message's earlier versions may arrive on the next page. Not thread
 * safe; an export calls it from one stage at a time.
 */
final class ExportWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private final DataBufferFactory buffers;
    private final int chunkBytes;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final JsonGenerator json;
    private boolean inMessage;
    private boolean inRevisions;

    ExportWriter(DataBufferFactory buffers, int chunkBytes) {
        this.buffers = buffers;
        this.chunkBytes = chunkBytes;
        this.json = JSON.createGenerator(ObjectWriteContext.empty(), output);
    }

    List<DataBuffer> start(Instant exportedAt, boolean withRevisions) {
        json.writeStartObject();
        json.writeStringProperty("format", ExportFormat.NAME);
        json.writeNumberProperty("version", ExportFormat.VERSION);
        json.writeStringProperty("exportedAt", exportedAt.toString());
        json.writeBooleanProperty("revisions", withRevisions);
        json.writeArrayPropertyStart("conversations");
        return chunks(true);
    }

    List<DataBuffer> conversation(ExportReads.Conversation conversation) {
        json.writeStartObject();
        json.writeStringProperty("conversationId", conversation.conversationId());
        json.writeStringProperty("personaId", conversation.personaId());
        json.writeStringProperty("title", conversation.title());
        json.writeStringProperty("createdAt", conversation.createdAt().toString());
        json.writeStringProperty("updatedAt", conversation.updatedAt().toString());
        json.writeArrayPropertyStart("messages");
        return chunks(false);
    }

    /** A page of a conversation's rows, in order. */
    List<DataBuffer> rows(List<ExportReads.Row> rows) {
        List<DataBuffer> chunks = new ArrayList<>();
        for (ExportReads.Row row : rows) {
            if (row.isMessage()) {
                endMessage();
                message(row);
            } else {
                revision(row);
            }
            chunks.addAll(chunks(false));
        }
        chunks.addAll(chunks(true));
        return chunks;
    }

    List<DataBuffer> endConversation() {
        endMessage();
        json.writeEndArray();
        json.writeEndObject();
        return chunks(false);
    }

    List<DataBuffer> end() {
        json.writeEndArray();
        json.writeEndObject();
        json.close();
        return chunks(true);
    }

    private void message(ExportReads.Row row) {
        json.writeStartObject();
        json.writeStringProperty("id", row.messageId());
        json.writeStringProperty("role", row.role());
        json.writeStringProperty("content", row.content());
        jsonb("parts", row.parts());
        jsonb("metadata", row.metadata());
        json.writeStringProperty("createdAt", row.createdAt().toString());
        json.writeStringProperty("updatedAt", row.updatedAt().toString());
        json.writeNumberProperty("revision", row.revision());
        if (row.conflicts() > 0) {
            json.writeNumberProperty("conflicts", row.conflicts());
        }
        inMessage = true;
    }

    private void revision(ExportReads.Row row) {
        if (!inRevisions) {
            json.writeArrayPropertyStart("revisions");
            inRevisions = true;
        }
        json.writeStartObject();
        json.writeNumberProperty("revision", row.revision());
        json.writeStringProperty("role", row.role());
        json.writeStringProperty("content", row.content());
        jsonb("parts", row.parts());
        jsonb("metadata", row.metadata());
        json.writeBooleanProperty("conflict", Boolean.TRUE.equals(row.conflict()));
        if (row.basedOn() != null) {
            json.writeNumberProperty("basedOn", row.basedOn());
        }
        json.writeStringProperty("storedAt", row.storedAt().toString());
        json.writeStringProperty("replacedAt", row.replacedAt().toString());
        json.writeEndObject();
    }

    private void endMessage() {
        if (inRevisions) {
            json.writeEndArray();
            inRevisions = false;
        }
        if (inMessage) {
            json.writeEndObject();
            inMessage = false;
        }
    }

    /** jsonb text as Postgres returns it is valid JSON: written as it is, left out when absent. */
    private void jsonb(String name, String text) {
        if (text != null) {
            json.writeName(name);
            json.writeRawValue(text);
        }
    }

    /** What was written since the last chunk, as one chunk once it reached chunkBytes (or at all, when {@code always}). */
    private List<DataBuffer> chunks(boolean always) {
        json.flush();
        if (output.size() == 0 || (!always && output.size() < chunkBytes)) {
            return List.of();
        }
        DataBuffer chunk = buffers.wrap(output.toByteArray());
        output.reset();
        return List.of(chunk);
    }
}
