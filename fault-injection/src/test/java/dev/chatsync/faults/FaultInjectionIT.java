package dev.chatsync.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import dev.chatsync.faults.inject.Schedule;
import dev.chatsync.faults.load.ApiClient;
import dev.chatsync.faults.load.ChatLoad;
import dev.chatsync.faults.load.Exchange;
import dev.chatsync.faults.load.Expectations;
import dev.chatsync.faults.load.Model;
import dev.chatsync.faults.processes.Api;
import dev.chatsync.faults.processes.Pipeline;
import dev.chatsync.faults.report.FaultWindow;
import dev.chatsync.faults.report.Report;
import dev.chatsync.faults.verdict.DatabaseVerdict;
import dev.chatsync.faults.verdict.Verdict;
import dev.chatsync.ingest.TestJwks;

/**
 * The pipeline as separate processes, broken while chat clients write to it: once the load stopped and
 * the backlog drained, the database holds exactly what the API acknowledged, and every process that
 * was not killed kept serving. Prints the run's table (and writes it to target/fault-injection/report.txt).
 */
class FaultInjectionIT {

    private static final Path DIRECTORY = Path.of("target", "fault-injection");
    /** Extracted once, kept between runs (the data directory is not). */
    private static final Path POSTGRES_BINARIES = Path.of("target", "postgres-binaries");
    /** Well above the API's own publish timeout: a request that takes this long hangs. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);

    @Test
    void whatTheApiAcknowledgedIsStoredOnceWhateverBreaks() throws Exception {
        Profile profile = Profile.selected();
        deleteRecursively(DIRECTORY);
        Path services = Path.of(System.getProperty("faults.services", "target/services"));
        try (TestJwks jwks = new TestJwks(); Pipeline pipeline = Pipeline.start(DIRECTORY, POSTGRES_BINARIES, services, 1, jwks)) {
            Map<String, String> tokens = new ConcurrentHashMap<>();
            ApiClient client = new ApiClient(pipeline.api().baseUrl(), CLIENT_TIMEOUT);
            Model model = new Model();
            Instant loadStart = Instant.now();
            ChatLoad load = ChatLoad.start(client, model, user -> tokens.computeIfAbsent(user, u -> jwks.token(u,
                    claims -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofHours(3)))))),
                    profile.users, profile.devicesPerUser, 13);
            Thread.sleep(5000);

            List<FaultWindow> windows = new Schedule(profile.faults, profile.calm, Duration.ofMinutes(3)).run(pipeline);

            List<String> unfinished = load.stop(Duration.ofSeconds(90));
            Optional<Duration> drained = pipeline.backlog().awaitStored(pipeline.backlog().awaitEndOffsets(Duration.ofMinutes(1)), Duration.ofMinutes(2));
            Expectations expected = model.expectations();
            Verdict verdict;
            Verdict neverSent;
            Verdict changed;
            Verdict storedTwice;
            Verdict undercounted;
            try (Connection connection = pipeline.postgres().connect()) {
                verdict = DatabaseVerdict.check(connection, expected);
                neverSent = DatabaseVerdict.check(connection, expected.withNeverSentMessage());
                changed = DatabaseVerdict.check(connection, expected.withChangedContent());
                storedTwice = DatabaseVerdict.check(connection, expected.withOneVersionFewer());
                undercounted = DatabaseVerdict.check(connection, expected.withOneMoreUserMessage());
            }
            List<Exchange> exchanges = client.exchanges();
            String table = Report.table(loadStart, windows, model.acknowledgements(), exchanges, verdict);
            System.out.println("fault-injection, profile " + profile.name().toLowerCase() + ", " + Duration.between(loadStart, Instant.now()).toSeconds()
                    + " s of load:\n" + table);
            Files.writeString(DIRECTORY.resolve("report.txt"), table, StandardCharsets.UTF_8);

            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(drained).as("the backlog drained after the load stopped").isPresent();
            softly.assertThat(unfinished).as("devices whose last write was never acknowledged").isEmpty();
            softly.assertThat(load.failures()).as("writes the API refused").isEmpty();
            softly.assertThat(expected.messages().size()).as("acknowledged messages").isGreaterThan(100);
            softly.assertThat(expected.conversations().stream().filter(Expectations.Conversation::deleted).count())
                    .as("acknowledged deletes").isPositive();

            softly.assertThat(verdict.lost()).as("acknowledged, not stored").isEmpty();
            softly.assertThat(verdict.duplicated()).as("stored more often than acknowledged").isEmpty();
            softly.assertThat(verdict.wrong()).as("stored with other content than acknowledged").isEmpty();
            softly.assertThat(verdict.deletedButStored()).as("deleted, still stored").isEmpty();
            softly.assertThat(verdict.neverAcknowledged()).as("stored, never acknowledged").isEmpty();
            // the verdict can fail: the same database against models that are off by one message, version or count
            softly.assertThat(neverSent.lost()).as("a message acknowledged and never sent").hasSize(1);
            softly.assertThat(changed.wrong()).as("a message acknowledged with other content").hasSize(1);
            softly.assertThat(storedTwice.duplicated()).as("a message with one version fewer acknowledged").hasSize(1);
            softly.assertThat(undercounted.lost()).as("a user message more acknowledged").hasSize(1);

            softly.assertThat(windows).as("faults whose backlog was not stored in time").allMatch(window -> window.recovery().isPresent());
            softly.assertThat(exchanges).as("requests that hung (no answer within " + CLIENT_TIMEOUT + ")")
                    .noneMatch(exchange -> exchange.outcome() == Exchange.Outcome.TIMED_OUT);
            softly.assertThat(exchanges).as("503s without Retry-After").noneMatch(exchange -> exchange.unavailable() && !exchange.retryAfter());
            softly.assertThat(exchanges.stream().filter(e -> e.outcome() == Exchange.Outcome.ANSWERED && e.status() != 202 && e.status() != 503))
                    .as("answers other than 202 and 503").isEmpty();
            List<Api.Downtime> downtimes = pipeline.api().downtimes();
            softly.assertThat(exchanges.stream().filter(e -> e.outcome() == Exchange.Outcome.CONNECTION_FAILED && !during(downtimes, e.sentAt())))
                    .as("connections the API failed while it was not killed").isEmpty();
            windows.stream().filter(window -> window.fault().startsWith("broker")).forEach(window -> softly
                    .assertThat(exchanges.stream().filter(e -> window.contains(e.sentAt()) && e.unavailable()).count())
                    .as("503s while the broker was away (%s)", window.fault()).isPositive());

            softly.assertThat(pipeline.api().alive()).as("the API runs").isTrue();
            softly.assertThat(pipeline.broker().alive()).as("the broker runs").isTrue();
            softly.assertThat(pipeline.persisters().dead()).as("persisters that died unkilled").isEmpty();
            softly.assertAll();
        }
    }

    /** Within a downtime of the API, or the moment after it, when a client may still use a connection to the killed process. */
    private static boolean during(List<Api.Downtime> downtimes, Instant moment) {
        return downtimes.stream().anyMatch(d -> !moment.isBefore(d.from().minusSeconds(1)) && !moment.isAfter(d.to().plusSeconds(2)));
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
