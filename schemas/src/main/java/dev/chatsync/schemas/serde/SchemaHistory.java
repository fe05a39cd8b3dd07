package dev.chatsync.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Every released version of the {@code ConversationEvent} and {@code AccountEvent} schemas, oldest
 * first, read from {@code chatsync/avro/history/<Record>-v<N>.avsc} in this jar. Versions are numbered
 * from 1 without gaps; the last one equals the schema the classes are generated from.
 */
public final class SchemaHistory {

    private static final String RESOURCE = "chatsync/avro/history/%s-v%d.avsc";

    private SchemaHistory() {
    }

    public static List<Schema> conversationEventVersions() {
        return versionsOf("ConversationEvent");
    }

    public static List<Schema> accountEventVersions() {
        return versionsOf("AccountEvent");
    }

    private static List<Schema> versionsOf(String record) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (int version = 1; ; version++) {
            try (InputStream in = loader.getResourceAsStream(RESOURCE.formatted(record, version))) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema version " + version, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("no schema history of " + record + " on the classpath under " + RESOURCE);
        }
        return List.copyOf(versions);
    }
}
