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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.PGConnection;

import dev.chatsync.benchmarks.race.Workload.Row;
import dev.chatsync.testsupport.TestPostgres;

/**
 * The physical limit: the new messages COPYed into the project's messages table, its users,
 * conversations and the warm-up's messages in place beforehand. The rows are written to files before the race starts, so the
 * timed COPY only reads them back and sends them; generating them inside the window made COPY slower.
 * One COPY is one Postgres backend, one core; the persister and the sink write over two connections.
 * So the rows are split by conversation into as many files as streams may copy them at once, each
 * conversation's rows in their order in one file, and {@link #copy} sends them over one connection
 * after the other or over several at once: two at once is the most any writer into this table can
 * store on two cores.
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

    private final Path warmUp;
    private final List<Path> parts;
    private final RaceSettings settings;

    private CopyReference(Path warmUp, List<Path> parts, RaceSettings settings) {
        this.warmUp = warmUp;
        this.parts = parts;
        this.settings = settings;
    }

    /**
     * Writes the rows of the new messages, in COPY's text format, to files under {@code work}: the warm-up's
     * to one, the rest to {@code streams} files, conversation {@code c}'s in file {@code c % streams}.
     */
    static CopyReference prepare(Workload workload, RaceSettings settings, int streams, Path work, Progress progress) throws IOException {
        Files.createDirectories(work);
        Path warmUp = work.resolve("copy-rows-warm-up.tsv");
        List<Path> parts = new ArrayList<>();
        List<BufferedWriter> outs = new ArrayList<>();
        try (BufferedWriter warmUpOut = Files.newBufferedWriter(warmUp, StandardCharsets.UTF_8)) {
            for (int part = 0; part < streams; part++) {
                parts.add(work.resolve("copy-rows-" + part + ".tsv"));
                outs.add(Files.newBufferedWriter(parts.get(part), StandardCharsets.UTF_8));
            }
            for (int i = 0; i < workload.newMessages(); i++) {
                Row row = workload.newMessage(i);
                String at = row.acceptedAt().toString();
                (i < workload.warmUp() ? warmUpOut : outs.get(row.conversation() % streams))
                        .append(Integer.toString(row.conversation() + 1)).append('\t')
                        .append("user_" + row.conversation() % settings.users()).append('\t').append(row.messageId()).append('\t')
                        .append(row.role().name()).append('\t').append(Workload.content(row.contentSeed())).append('\t')
                        .append(at).append('\t').append(at).append('\n');
                int written = i + 1;
                progress.maybe(() -> String.format("  writing COPY's rows: %,d of %,d", written, workload.newMessages()));
            }
        } finally {
            for (BufferedWriter out : outs) {
                out.close();
            }
        }
        return new CopyReference(warmUp, parts, settings);
    }

    /** How many connections {@link #copy} can keep busy at once. */
    int streams() {
        return parts.size();
    }

    /** Users, conversations and the warm-up's messages in place, as the persister would have left them. */
    void setUp(TestPostgres.Database database) throws SQLException, IOException {
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
            copy(connection, List.of(warmUp));
        }
    }

    /**
     * The timed part: the prepared rows after the warm-up COPYed over the open connections, the files dealt
     * out among them, each connection's in its own thread; returns the rows copied.
     */
    long copy(List<Connection> connections) throws Exception {
        ExecutorService streams = Executors.newFixedThreadPool(connections.size());
        try {
            List<Future<Long>> copied = new ArrayList<>();
            for (int stream = 0; stream < connections.size(); stream++) {
                Connection connection = connections.get(stream);
                List<Path> mine = new ArrayList<>();
                for (int part = stream; part < parts.size(); part += connections.size()) {
                    mine.add(parts.get(part));
                }
                copied.add(streams.submit(() -> copy(connection, mine)));
            }
            long rows = 0;
            for (Future<Long> stream : copied) {
                rows += stream.get();
            }
            return rows;
        } finally {
            streams.shutdownNow();
        }
    }

    private static long copy(Connection connection, List<Path> files) throws SQLException, IOException {
        long rows = 0;
        for (Path file : files) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                rows += connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, in);
            }
        }
        return rows;
    }
}
