package dev.chatsync.ingest.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.chatsync.ingest.problem.FieldViolation;
import dev.chatsync.ingest.problem.ProblemException;
import dev.chatsync.schemas.event.UserProfileChanged;

class ClerkWebhookParserTest {

    /** A user.updated as Clerk sends it, trimmed of the fields chat-sync does not read. */
    static final String USER_UPDATED = """
            {"data": {"id": "user_29w83sxmDNGwOuEthce5gg56FcC", "object": "user", "first_name": "Example", "last_name": "User",
                      "username": "example", "image_url": "https://img.clerk.com/xxxxxx",
                      "primary_email_address_id": "idn_29w83yL7CwVlJXylYLxcslromF1",
                      "email_addresses": [
                        {"id": "idn_29w83yL7CwVlJXylYLxcslromF0", "email_address": "old@example.org", "object": "email_address"},
                        {"id": "idn_29w83yL7CwVlJXylYLxcslromF1", "email_address": "example@example.org", "object": "email_address"}],
                      "created_at": 1654012591514, "updated_at": 1654012824306},
             "object": "event", "type": "user.updated", "timestamp": 1654012824306}
            """;

    private final ClerkWebhookParser parser = new ClerkWebhookParser();

    @Test
    void aProfileChangeKeepsWhatAChatAppShows() {
        ClerkWebhook webhook = parse(USER_UPDATED);

        assertThat(webhook).isEqualTo(new ClerkWebhook.ProfileChanged("user.updated", "user_29w83sxmDNGwOuEthce5gg56FcC",
                new UserProfileChanged("Example User", "example@example.org", "https://img.clerk.com/xxxxxx", Instant.ofEpochMilli(1654012824306L))));
    }

    @Test
    void theDisplayNameFallsBackToTheUsernameAndAbsentFieldsAreNull() {
        ClerkWebhook webhook = parse("""
                {"type": "user.created", "data": {"id": "user_1", "first_name": null, "last_name": " ", "username": "ada", "updated_at": 5}}""");

        assertThat(webhook).isEqualTo(new ClerkWebhook.ProfileChanged("user.created", "user_1",
                new UserProfileChanged("ada", null, null, Instant.ofEpochMilli(5))));
    }

    @Test
    void aDeletionNeedsOnlyTheUserId() {
        assertThat(parse("""
                {"data": {"deleted": true, "id": "user_29wBMCtzATuFJut8jO2VNTVekS4", "object": "user"}, "object": "event", "type": "user.deleted"}"""))
                .isEqualTo(new ClerkWebhook.Deleted("user.deleted", "user_29wBMCtzATuFJut8jO2VNTVekS4"));
    }

    @Test
    void otherEventTypesAreIgnored() {
        assertThat(parse("""
                {"type": "session.created", "data": {"id": "sess_1"}}""")).isEqualTo(new ClerkWebhook.Ignored("session.created"));
    }

    @Test
    void everyBrokenRuleIsNamedByItsPath() {
        assertThatThrownBy(() -> parse("""
                {"type": "user.updated", "data": {"id": "user/1", "first_name": 7, "image_url": "a\\u0000b",
                 "email_addresses": [{"id": "idn_1", "email_address": ["x"]}, 3], "updated_at": "yesterday"}}"""))
                .isInstanceOfSatisfying(ProblemException.class, problem -> assertThat(problem.violations())
                        .extracting(FieldViolation::field, FieldViolation::rule)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("data.id", "user_id"),
                                org.assertj.core.groups.Tuple.tuple("data.first_name", "type"),
                                org.assertj.core.groups.Tuple.tuple("data.image_url", "no_nul"),
                                org.assertj.core.groups.Tuple.tuple("data.email_addresses[0].email_address", "type"),
                                org.assertj.core.groups.Tuple.tuple("data.email_addresses[1]", "type"),
                                org.assertj.core.groups.Tuple.tuple("data.updated_at", "epoch_millis")));
    }

    @Test
    void theEnvelopeIsChecked() {
        assertRejected("not json", "body", "malformed_json");
        assertRejected("[1]", "body", "type");
        assertRejected("{\"data\": {}}", "type", "required");
        assertRejected("{\"type\": \"user.deleted\"}", "data", "required");
        assertRejected("{\"type\": \"user.deleted\", \"data\": {}}", "data.id", "required");
        assertRejected("{\"type\": \"user.updated\", \"data\": {\"id\": \"user_1\"}}", "data.updated_at", "required");
        assertRejected("{\"type\": \"user.deleted\", \"type\": \"user.created\", \"data\": {\"id\": \"user_1\"}}", "body", "malformed_json");
    }

    private void assertRejected(String body, String field, String rule) {
        assertThatThrownBy(() -> parse(body)).as(body).isInstanceOfSatisfying(ProblemException.class, problem ->
                assertThat(problem.violations()).extracting(FieldViolation::field, FieldViolation::rule)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(field, rule)));
    }

    private ClerkWebhook parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
