package dev.chatsync.benchmarks.search;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import dev.chatsync.benchmarks.search.SearchPopulation.Conversation;
import dev.chatsync.benchmarks.sync.Progress;
import dev.chatsync.testsupport.TestPostgres;

/**
 * Fills a migrated database with the population's messages by COPY, the fastest way in. Messages go in
 * position by position across every conversation, as chats grow side by side, so one user's rows are
 * spread over the whole table as in a database that grew over time. The search index is dropped for
 * the COPY and built again after it from its own definition, which is the migration's.
 */
final class CorpusSeed {

    private static final int CHUNK = 10_000;
    private static final String AT = "2026-11-24 09:00:00+00";

    private CorpusSeed() {
    }

    static void seed(TestPostgres.Database database, SearchPopulation population, ChatCorpus corpus) throws SQLException, IOException {
        List<Conversation> conversations = population.conversations();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder users = new StringBuilder();
            for (int user = 0; user < population.users(); user++) {
                users.append(SearchPopulation.userId(user)).append('\n');
            }
            copy.copyIn("COPY users (id) FROM STDIN", bytes(users));
            StringBuilder rows = new StringBuilder();
            for (int pk = 1; pk <= conversations.size(); pk++) {
                Conversation conversation = conversations.get(pk - 1);
                rows.append(SearchPopulation.userId(conversation.user())).append('\t').append("conv-").append(pk).append('\t')
                        .append("persona-").append(pk % 5).append('\t').append("Conversation ").append(pk).append('\t')
                        .append(AT).append('\t').append(AT).append('\n');
            }
            copy.copyIn("COPY conversations (user_id, conversation_id, persona_id, title, created_at, updated_at) FROM STDIN", bytes(rows));
            long lastPk = single(statement, "SELECT max(id) FROM conversations");
            if (lastPk != conversations.size()) {
                throw new IllegalStateException("expected a fresh database: conversation pks end at " + lastPk);
            }

            String index = indexDefinition(statement);
            statement.execute("DROP INDEX messages_search");
            long started = System.nanoTime();
            long copied = 0;
            int positions = population.conversationMessages();
            // the next chunk is made while Postgres takes the current one (it computes each row's vector)
            ChunkMaker maker = new ChunkMaker(conversations, corpus, positions);
            CompletableFuture<byte[]> next = CompletableFuture.supplyAsync(maker::next);
            byte[] chunk;
            while ((chunk = next.join()) != null) {
                next = CompletableFuture.supplyAsync(maker::next);
                copied += copy.copyIn("COPY messages (conversation_pk, user_id, message_id, role, content, created_at, updated_at) FROM STDIN",
                        new ByteArrayInputStream(chunk));
                if (copied % 100_000 < CHUNK) {
                    Progress.say("copied %,d of %,d messages (%.0f/s)", copied, population.messages(), copied / seconds(started));
                }
            }
            Progress.say("copied %,d messages in %.1f s", copied, seconds(started));
            createIndex(statement, index);
        }
    }

    /** The definition of the migration's search index, as Postgres holds it. */
    static String indexDefinition(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_search'")) {
            if (!rows.next()) {
                throw new IllegalStateException("no messages_search index: is the database migrated?");
            }
            return rows.getString(1);
        }
    }

    /** Builds an index and refreshes the statistics and visibility map the planner and index-only reads use. */
    static void createIndex(Statement statement, String definition) throws SQLException {
        long started = System.nanoTime();
        statement.execute("SET maintenance_work_mem = '512MB'");
        statement.execute(definition);
        Progress.say("built in %.1f s: %s", seconds(started), definition);
        vacuumAnalyze(statement);
    }

    static void vacuumAnalyze(Statement statement) throws SQLException {
        long started = System.nanoTime();
        statement.execute("VACUUM (ANALYZE) messages");
        statement.execute("ANALYZE conversations");
        Progress.say("vacuumed and analyzed in %.1f s", seconds(started));
    }

    /** Messages in COPY's text format, position by position over the conversations; null when all are made. */
    private static final class ChunkMaker {

        private final List<Conversation> conversations;
        private final ChatCorpus corpus;
        private final int positions;
        private int position;
        private int conversation;
        private long made;

        ChunkMaker(List<Conversation> conversations, ChatCorpus corpus, int positions) {
            this.conversations = conversations;
            this.corpus = corpus;
            this.positions = positions;
        }

        synchronized byte[] next() {
            StringBuilder rows = new StringBuilder(CHUNK * 1100);
            int count = 0;
            while (count < CHUNK && position < positions) {
                if (position < conversations.get(conversation).messages()) {
                    rows.append(conversation + 1).append('\t').append(SearchPopulation.userId(conversations.get(conversation).user()))
                            .append('\t').append('m').append(position).append('\t')
                            .append(position % 2 == 0 ? "user" : "assistant").append('\t').append(corpus.message(made++)).append('\t')
                            .append(AT).append('\t').append(AT).append('\n');
                    count++;
                }
                if (++conversation == conversations.size()) {
                    conversation = 0;
                    position++;
                }
            }
            return count == 0 ? null : rows.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static ByteArrayInputStream bytes(StringBuilder rows) {
        return new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
