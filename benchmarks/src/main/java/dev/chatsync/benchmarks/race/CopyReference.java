package dev.chatsync.benchmarks.race;

import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.postgresql.PGConnection;

import dev.chatsync.benchmarks.race.Workload.Row;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The physical limit: the new messages COPYed into the project's messages table, its users and
 * conversations in place beforehand. The rows are written to a file before the race starts, so the
 * timed COPY only reads them back and sends them; generating them inside the window made COPY slower.
 */
final class CopyReference {

    private static final String USERS = """
            INSERT INTO users (id) SELECT 'user_' || u FROM generate_series(0, ? - 1) u
            """;

    // ids in conversation order, so that conversation c has id c + 1, as the rows file says
    private static final String CONVERSATIONS = """
            INSERT INTO conversations (user_id, conversation_id, persona_id, title, created_at, updated_at)
            SELECT 'user_' || (c % ?), 'conv-' || c, 'hitesh', 'Conversation ' || c, now(), now()
            FROM generate_series(0, ? - 1) c ORDER BY c
            """;

    private static final String COPY = """
            COPY messages (conversation_pk, user_id, message_id, role, content, created_at, updated_at) FROM STDIN
            """;

    private final Path rows;
    private final RaceSettings settings;

    private CopyReference(Path rows, RaceSettings settings) {
        this.rows = rows;
        this.settings = settings;
    }

    /** Writes the rows of the new messages, in COPY's text format, to a file under {@code work}. */
    static CopyReference prepare(Workload workload, RaceSettings settings, Path work, Progress progress) throws IOException {
        Path rows = work.resolve("copy-rows.tsv");
        Files.createDirectories(work);
        try (BufferedWriter out = Files.newBufferedWriter(rows, StandardCharsets.UTF_8)) {
            for (int i = 0; i < workload.newMessages(); i++) {
                Row row = workload.newMessage(i);
                String at = row.acceptedAt().toString();
                out.append(Integer.toString(row.conversation() + 1)).append('\t').append("user_" + row.conversation() % settings.users())
                        .append('\t').append(row.messageId()).append('\t')
                        .append(row.role().name()).append('\t').append(Workload.content(row.contentSeed())).append('\t')
                        .append(at).append('\t').append(at).append('\n');
                int written = i + 1;
                progress.maybe(() -> String.format("  writing COPY's rows: %,d of %,d", written, workload.newMessages()));
            }
        }
        return new CopyReference(rows, settings);
    }

    /** Users and conversations in place, as the persister would have left them. */
    void setUp(TestPostgres.Database database) throws SQLException {
        try (Connection connection = database.connect()) {
            try (PreparedStatement users = connection.prepareStatement(USERS)) {
                users.setInt(1, settings.users());
                users.executeUpdate();
            }
            try (PreparedStatement conversations = connection.prepareStatement(CONVERSATIONS)) {
                conversations.setInt(1, settings.users());
                conversations.setInt(2, settings.conversations());
                conversations.executeUpdate();
            }
        }
    }

    /** The timed part: one COPY of the prepared rows over an open connection; returns the rows copied. */
    long copy(Connection connection) throws SQLException, IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(rows), 1 << 20)) {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, in);
        }
    }
}
