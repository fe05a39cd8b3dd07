package dev.chatsync.ingest.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ExportWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final int CHUNK = 1024;

    private final ExportWriter writer = new ExportWriter(DefaultDataBufferFactory.sharedInstance, CHUNK);
    private final List<byte[]> chunks = new ArrayList<>();

    @Test
    void aConversationLargerThanAChunkLeavesInChunksOfAboutThatSizeAndTheWholeIsTheDocument() {
        String content = "x".repeat(300);
        take(writer.start(T, false));
        take(writer.conversation(new ExportReads.Conversation(1, "c1", "hitesh", null, T, T)));
        for (int page = 0; page < 10; page++) {
            List<ExportReads.Row> rows = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int seq = page * 20 + i + 1;
                rows.add(message(seq, "m" + seq, content, null));
            }
            take(writer.rows(rows));
        }
        take(writer.endConversation());
        take(writer.end());

        assertThat(chunks.size()).isGreaterThan(40);
        // a chunk is cut once it reached the size, so it overshoots by at most one row (about 420 bytes here)
        assertThat(chunks.stream().map(chunk -> chunk.length).toList()).allSatisfy(size -> assertThat(size).isLessThan(CHUNK + 500));
        JsonNode document = JSON.readTree(joined());
        assertThat(document.get("format").stringValue()).isEqualTo("chat-sync.export");
        assertThat(document.get("version").intValue()).isEqualTo(1);
        assertThat(document.get("exportedAt").stringValue()).isEqualTo("2026-01-02T03:04:05.678Z");
        JsonNode messages = document.get("conversations").get(0).get("messages");
        assertThat(messages).hasSize(200);
        assertThat(messages.get(199).get("id").stringValue()).isEqualTo("m200");
        assertThat(document.get("conversations").get(0).get("title").isNull()).isTrue();
    }

    @Test
    void earlierVersionsFollowTheirMessageAcrossPagesAndJsonbIsWrittenAsJson() {
        take(writer.start(T, true));
        take(writer.conversation(new ExportReads.Conversation(1, "c1", "p", "Title", T, T)));
        take(writer.rows(List.of(message(1, "m1", "now", "[{\"type\":\"text\",\"text\":\"now\"}]"), revision(1, 1, "before"))));
        take(writer.rows(List.of(revision(1, 2, "between"), message(2, "m2", "plain", null))));
        take(writer.endConversation());
        take(writer.conversation(new ExportReads.Conversation(2, "c2", "p", null, T, T)));
        take(writer.endConversation());
        take(writer.end());

        JsonNode document = JSON.readTree(joined());
        assertThat(document.get("revisions").booleanValue()).isTrue();
        JsonNode first = document.get("conversations").get(0).get("messages").get(0);
        assertThat(first.get("parts")).isEqualTo(JSON.readTree("[{\"type\":\"text\",\"text\":\"now\"}]"));
        assertThat(first.get("revisions")).hasSize(2);
        assertThat(first.get("revisions").get(1).get("content").stringValue()).isEqualTo("between");
        assertThat(first.get("revisions").get(0).get("conflict").booleanValue()).isFalse();
        JsonNode second = document.get("conversations").get(0).get("messages").get(1);
        assertThat(second.has("parts")).isFalse();
        assertThat(second.has("revisions")).isFalse();
        assertThat(document.get("conversations").get(1).get("messages")).isEmpty();
    }

    private static ExportReads.Row message(long seq, String id, String content, String parts) {
        return new ExportReads.Row(seq, 0, id, "user", content, parts, null, 1, 0, T, T, null, null, null, null);
    }

    private static ExportReads.Row revision(long seq, int revision, String content) {
        return new ExportReads.Row(seq, revision, "m" + seq, "user", content, null, null, revision, 0, null, null, false, null, T, T);
    }

    private void take(List<DataBuffer> buffers) {
        for (DataBuffer buffer : buffers) {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            chunks.add(bytes);
        }
    }

    private byte[] joined() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(all::writeBytes);
        return all.toByteArray();
    }
}
