package dev.chatsync.benchmarks.search;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.chatsync.benchmarks.ingest.ApiProcess;
import dev.chatsync.benchmarks.jvm.ExitWhenDone;
import dev.chatsync.benchmarks.search.DrainCost.Drain;
import dev.chatsync.benchmarks.search.QueryMix.Kind;
import dev.chatsync.benchmarks.sync.Progress;
import dev.chatsync.ingest.RunningApi;
import dev.chatsync.ingest.TestJwks;
import dev.chatsync.ingest.search.SearchStatements;
import dev.chatsync.persister.Tables;
import dev.chatsync.testsupport.TestKafka;
import dev.chatsync.testsupport.TestPostgres;
import tools.jackson.databind.json.JsonMapper;

/**
 * Full-text search at size: {@code search.users} users and {@code search.messages} messages in the
 * embedded Postgres, searched for by users with {@code search.heavyMessages} messages each, over a mix of
 * a common word, a rare word, a phrase and a negation ({@link QueryMix}), one search after another:
 * through GET /api/search (the ingest-api in a JVM of its own), the API's statement alone, and the
 * design migration V8 replaced (V4's index of the vector alone, the user's rows found by their
 * conversations); then the persister's drain rate with the search column and index against without
 * them. Not a test: {@code ./mvnw -B -pl benchmarks exec:java@search}; sizes are {@code -Dsearch.*}
 * properties, their defaults the full run.
 */
public final class SearchBenchmark {

    private static final int USERS = Integer.getInteger("search.users", 1000);
    private static final long MESSAGES = Long.getLong("search.messages", 1_000_000);
    private static final int HEAVY_USERS = Integer.getInteger("search.heavyUsers", 5);
    private static final int HEAVY_MESSAGES = Integer.getInteger("search.heavyMessages", 10_000);
    private static final int CONVERSATION_MESSAGES = Integer.getInteger("search.conversationMessages", 50);
    private static final int VOCABULARY = Integer.getInteger("search.vocabulary", 50_000);
    private static final int WARM_UP = Integer.getInteger("search.warmUp", 1000);
    private static final int SEARCHES = Integer.getInteger("search.searches", 2000);
    private static final int SQL_SEARCHES = Integer.getInteger("search.sqlSearches", 400);
    private static final int LIMIT = Integer.getInteger("search.limit", 20);
    private static final boolean ALTERNATIVES = Boolean.parseBoolean(System.getProperty("search.alternatives", "true"));
    private static final int DRAIN_EVENTS = Integer.getInteger("search.drainEvents", 200_000);
    private static final int DRAIN_CONVERSATIONS = Integer.getInteger("search.drainConversations", 10_000);
    private static final int DRAIN_ROUNDS = Integer.getInteger("search.drainRounds", 2);
    private static final int PARTITIONS = Integer.getInteger("search.partitions", 4);
    private static final int CONCURRENCY = Integer.getInteger("search.concurrency", 2);
    private static final int BATCH_SIZE = Integer.getInteger("search.batchSize", 1000);
    private static final List<String> API_JVM_OPTIONS = List.of(System.getProperty("search.apiJvmOptions", "-Xms1g -Xmx1g").split(" "));

    // The design V8 replaced, measured beside it: V4's GIN index of the vector alone, and the statement
    // that went with it, which finds the user's rows through their conversations and ANDs them with the
    // index's rows for the words. Built only after the shipped index is dropped.
    private static final String VECTOR_ALONE = "CREATE INDEX messages_search_vector ON messages USING gin (search_vector)";
    private static final String BY_CONVERSATIONS = """
            WITH hits AS MATERIALIZED (
                SELECT m.conversation_pk, m.message_id, m.seq, ts_rank_cd(m.search_vector, query, 1) AS rank
                  FROM websearch_to_tsquery('english', :q) AS query, messages m
                 WHERE m.conversation_pk = ANY (ARRAY(
                           SELECT c.id FROM conversations c
                            WHERE c.user_id = :userId AND (CAST(:personaId AS text) IS NULL OR c.persona_id = :personaId)))
                   AND m.search_vector @@ query
            ), page AS (
                SELECT conversation_pk, message_id, seq, rank
                  FROM hits
                 WHERE (rank, seq) < (CAST(:afterRank AS real), CAST(:afterSeq AS bigint))
                 ORDER BY rank DESC, seq DESC
                 LIMIT :limit
            )
            SELECT c.conversation_id, m.message_id, page.rank,
                   ts_headline('english', m.content, query, 'MaxFragments=2, MaxWords=20, MinWords=8, ShortWord=3') AS headline
              FROM page
              JOIN messages m ON m.conversation_pk = page.conversation_pk AND m.message_id = page.message_id
              JOIN conversations c ON c.id = page.conversation_pk,
                   websearch_to_tsquery('english', :q) AS query
             ORDER BY page.rank DESC, page.seq DESC
            """;

    private SearchBenchmark() {
    }

    public static void main(String[] args) {
        ExitWhenDone.run(SearchBenchmark::run);
    }

    private static void run() throws Exception {
        SearchPopulation population = new SearchPopulation(USERS, MESSAGES, HEAVY_USERS, HEAVY_MESSAGES, CONVERSATION_MESSAGES);
        ChatCorpus corpus = new ChatCorpus(VOCABULARY);
        QueryMix mix = new QueryMix(corpus, VOCABULARY);
        Progress.say("search benchmark: %,d users, %,d messages (%d users of %,d), conversations of %d, %,d words; %d cores",
                USERS, MESSAGES, HEAVY_USERS, HEAVY_MESSAGES, CONVERSATION_MESSAGES, VOCABULARY, Runtime.getRuntime().availableProcessors());
        for (Kind kind : Kind.values()) {
            Progress.say("e.g. %s: q=%s", kind.label, mix.any(kind, ChatCorpus.picks()).q());
        }
        List<String> results = new ArrayList<>();
        TestPostgres.Database database = RunningApi.migratedDatabase();
        CorpusSeed.seed(database, population, corpus);
        results.add(sizes(database));

        results.add(throughTheApi(database, mix).report());
        try (SingleConnectionDataSource connection = new SingleConnectionDataSource(database.jdbcUrl(), database.username(),
                database.password(), true)) {
            SearchStatements statements = new SearchStatements(connection);
            results.add(statementAlone("the API's statement, btree_gin (user_id, search_vector) [shipped]",
                    (userId, q) -> statements.firstPage(userId, q, LIMIT), mix).report());
            results.add(plan(statements.plan(SearchPopulation.userId(0), mix.get(0).q(), LIMIT), mix));
            if (ALTERNATIVES) {
                try (Connection ddl = database.connect(); Statement statement = ddl.createStatement()) {
                    statement.execute("DROP INDEX messages_search");
                    CorpusSeed.createIndex(statement, VECTOR_ALONE);
                    results.add(statementAlone("V4's design: GIN (search_vector), the user's rows by their conversations",
                            (userId, q) -> statements.firstPage(BY_CONVERSATIONS, userId, q, LIMIT), mix).report());
                    results.add(plan(statements.plan(BY_CONVERSATIONS, SearchPopulation.userId(0), mix.get(0).q(), LIMIT), mix));
                }
            }
        }

        List<Drain> drains = new DrainCost(corpus, DRAIN_EVENTS, DRAIN_CONVERSATIONS, PARTITIONS, CONCURRENCY, BATCH_SIZE).run(DRAIN_ROUNDS);
        results.add(drainReport(drains));

        System.out.printf("%nRESULTS (%d cores; embedded Postgres 17; latencies at the client, one search at a time)%n",
                Runtime.getRuntime().availableProcessors());
        results.forEach(System.out::println);
    }

    private static SearchTimings throughTheApi(TestPostgres.Database database, QueryMix mix) throws Exception {
        String topic = "search-bench-" + UUID.randomUUID();
        TestKafka.shared().createTopic(topic, 1);
        try (TestJwks jwks = new TestJwks()) {
            Map<String, String> settings = RunningApi.settings(database, TestKafka.shared().bootstrapServers(), topic, jwks);
            settings.put("logging.level.root", "WARN");
            settings.put("spring.flyway.enabled", "false");
            Map<String, String> tokens = new HashMap<>();
            for (int user = 0; user < HEAVY_USERS; user++) {
                String userId = SearchPopulation.userId(user);
                tokens.put(userId, jwks.token(userId, claims -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2))))));
            }
            try (ApiProcess api = ApiProcess.start(settings, API_JVM_OPTIONS)) {
                Progress.say("API ready on port %d", api.port());
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                JsonMapper json = JsonMapper.builder().build();
                String base = "http://127.0.0.1:" + api.port() + "/api/search?limit=" + LIMIT + "&q=";
                return SearchTimings.measure("GET /api/search", (userId, q) -> {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(base + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                            .header("Authorization", "Bearer " + tokens.get(userId)).timeout(Duration.ofSeconds(30)).GET().build();
                    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("search for " + q + " answered " + response.statusCode() + ": "
                                + new String(response.body(), StandardCharsets.UTF_8));
                    }
                    return json.readTree(response.body()).get("results").size();
                }, mix, HEAVY_USERS, WARM_UP, SEARCHES);
            }
        }
    }

    private static SearchTimings statementAlone(String name, SearchTimings.Searcher searcher, QueryMix mix) throws Exception {
        return SearchTimings.measure(name, searcher, mix, HEAVY_USERS, Math.min(WARM_UP, SQL_SEARCHES), SQL_SEARCHES);
    }

    // the plan of the costliest kind, a common word (the mix's first), for the first heavy user
    private static String plan(List<String> lines, QueryMix mix) {
        return "    plan for q=" + mix.get(0).q() + ":\n        " + String.join("\n        ", lines);
    }

    private static String sizes(TestPostgres.Database database) throws Exception {
        List<String> row = Tables.rows(database, """
                SELECT pg_size_pretty(pg_table_size('messages')), pg_size_pretty(pg_relation_size('messages_search')),
                       pg_size_pretty(pg_relation_size('messages_pkey')), count(*),
                       (SELECT count(*) FROM messages WHERE user_id = 'user_0')
                  FROM messages""");
        String[] values = row.get(0).split("\\|");
        return String.format(Locale.ROOT, "messages: %s rows, table %s (TOAST included), search index %s, primary key %s; user_0 has %s messages",
                values[3], values[0], values[1], values[2], values[4]);
    }

    private static String drainReport(List<Drain> drains) {
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "persister drain of %,d new messages (%d partitions, concurrency %d, batch %d):",
                DRAIN_EVENTS, PARTITIONS, CONCURRENCY, BATCH_SIZE));
        double with = 0;
        double without = 0;
        for (Drain drain : drains) {
            report.append("\n    ").append(drain.line());
            if (drain.searchable()) {
                with += drain.rate();
            } else {
                without += drain.rate();
            }
        }
        report.append(String.format(Locale.ROOT, "%n    mean: %,.0f events/s with, %,.0f without: the search column and index cost %.0f %% of the drain rate",
                with / DRAIN_ROUNDS, without / DRAIN_ROUNDS, 100 * (1 - with / without)));
        return report.toString();
    }
}
