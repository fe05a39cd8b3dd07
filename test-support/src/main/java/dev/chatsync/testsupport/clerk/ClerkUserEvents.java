package dev.chatsync.testsupport.clerk;

/**
 * Bodies of Clerk's user webhooks as Clerk sends them (the fields chat-sync reads, and a few it
 * ignores), for tests that deliver them.
 */
public final class ClerkUserEvents {

    private ClerkUserEvents() {
    }

    /**
     * A {@code user.created} or {@code user.updated}: the user's names, one email address that is the
     * primary one, an image, and Clerk's {@code updated_at} (epoch milliseconds).
     */
    public static String profile(String type, String userId, String firstName, String lastName, String email, String imageUrl,
            long updatedAt) {
        return """
                {"data": {"id": "%s", "object": "user", "first_name": "%s", "last_name": "%s", "username": "example",
                          "image_url": "%s", "primary_email_address_id": "idn_1",
                          "email_addresses": [{"id": "idn_1", "email_address": "%s"}], "updated_at": %d},
                 "object": "event", "type": "%s"}""".formatted(userId, firstName, lastName, imageUrl, email, updatedAt, type);
    }

    /** A {@code user.deleted}: Clerk sends the id alone. */
    public static String deleted(String userId) {
        return """
                {"data": {"deleted": true, "id": "%s", "object": "user"}, "object": "event", "type": "user.deleted"}""".formatted(userId);
    }
}
