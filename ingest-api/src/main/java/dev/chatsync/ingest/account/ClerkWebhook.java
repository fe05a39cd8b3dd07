package dev.chatsync.ingest.account;

import dev.chatsync.schemas.event.UserProfileChanged;

/** What a verified Clerk webhook asks for, as {@link ClerkWebhookParser} read it. */
sealed interface ClerkWebhook permits ClerkWebhook.ProfileChanged, ClerkWebhook.Deleted, ClerkWebhook.Ignored {

    /** Clerk's event type, e.g. {@code user.updated}. */
    String type();

    /** user.created or user.updated. */
    record ProfileChanged(String type, String userId, UserProfileChanged profile) implements ClerkWebhook {
    }

    /** user.deleted. */
    record Deleted(String type, String userId) implements ClerkWebhook {
    }

    /** Any other type the endpoint is subscribed to: acknowledged, nothing published. */
    record Ignored(String type) implements ClerkWebhook {
    }
}
