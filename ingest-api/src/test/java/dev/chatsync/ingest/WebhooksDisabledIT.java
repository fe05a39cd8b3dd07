package dev.chatsync.ingest;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Without CLERK_WEBHOOK_SECRET there is no webhook route: a signed delivery is a 404, as any unknown path. */
class WebhooksDisabledIT {

    @Test
    void withoutASecretTheRouteDoesNotExist() {
        try (ApiWithTopic without = ApiWithTopic.start("ingest-no-webhooks", 1, Map.of())) {
            String body = AccountsIT.userUpdated("user_1", 1);
            long timestamp = Instant.now().getEpochSecond();
            long before = without.events().endOffsets();
            without.api().client().post().uri("/webhooks/clerk").contentType(MediaType.APPLICATION_JSON)
                    .header("svix-id", "msg_1").header("svix-timestamp", Long.toString(timestamp))
                    .header("svix-signature", AccountsIT.signature("msg_1", timestamp, body)).bodyValue(body).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
            org.assertj.core.api.Assertions.assertThat(without.events().endOffsets()).isEqualTo(before);
        }
    }
}
