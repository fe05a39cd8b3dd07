package dev.chatsync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.chatsync.ingest.limits.IngestLimits;
import dev.chatsync.testsupport.TestKafka;

/**
 * The served OpenAPI description states the limits the instance enforces: those configured, and the
 * defaults of those that are not.
 */
class OpenApiLimitsIT {

    private static TestJwks jwks;
    private static RunningApi api;

    @BeforeAll
    static void start() {
        jwks = new TestJwks();
        // nothing is published here, so the topic is never created
        api = RunningApi.start(TestKafka.shared().bootstrapServers(), "api-docs-unused", jwks, Map.of(
                "chatsync.ingest.limits.max-id-length", "64",
                "chatsync.ingest.limits.max-messages", "50",
                "chatsync.ingest.limits.max-content-bytes", "4KB"));
    }

    @AfterAll
    static void stop() {
        api.close();
        jwks.close();
    }

    @Test
    void theDocumentStatesTheConfiguredLimits() {
        IngestLimits limits = api.bean(IngestLimits.class);
        assertThat(limits.maxIdLength()).isEqualTo(64);
        assertThat(limits.maxMessages()).isEqualTo(50);
        assertThat(limits.maxContentBytes()).isEqualTo(DataSize.ofKilobytes(4));

        api.client().get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.components.schemas.SyncBody.properties.conversationId.maxLength").isEqualTo(64)
                .jsonPath("$.components.schemas.SyncBody.properties.personaId.maxLength").isEqualTo(64)
                .jsonPath("$.components.schemas.SyncBody.properties.messages.maxItems").isEqualTo(50)
                .jsonPath("$.components.schemas.MessageBody.properties.id.maxLength").isEqualTo(64)
                .jsonPath("$.components.schemas.MessageBody.properties.content.description").isEqualTo("1 to 4096 bytes of UTF-8, no NUL")
                // not configured: the default, as bound
                .jsonPath("$.components.schemas.SyncBody.properties.title.maxLength").isEqualTo(limits.maxTitleLength());
    }
}
