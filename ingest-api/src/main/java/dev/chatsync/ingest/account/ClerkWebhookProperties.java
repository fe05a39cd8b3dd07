package dev.chatsync.ingest.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Clerk's webhooks ({@code chatsync.clerk-webhook.*}), delivered and signed by Svix.
 *
 * @param secret        the endpoint's signing secret as Clerk shows it ({@code whsec_<base64>}); without one,
 *                      {@code POST /webhooks/clerk} does not exist
 * @param tolerance     how far a delivery's svix-timestamp may be from this instance's clock, either way;
 *                      older deliveries are refused as replays
 * @param maxBodyBytes  largest webhook body (Clerk's user payloads are a few KB)
 * @param rememberedIds svix-ids remembered for twice the tolerance, so a replayed delivery is acknowledged
 *                      without effect
 */
@ConfigurationProperties("chatsync.clerk-webhook")
public record ClerkWebhookProperties(
        String secret,
        @DefaultValue("5m") Duration tolerance,
        @DefaultValue("64KB") DataSize maxBodyBytes,
        @DefaultValue("100000") int rememberedIds) {
}
