package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import dev.chatsync.schemas.event.UserProfileChanged;

/**
 * Stores Clerk's profile of a user on its users row, creating the row if needed. A profile older than
 * the stored one (by Clerk's updated_at) changes nothing, so webhooks may arrive in any order and
 * twice; a deleted account is never created again.
 */
final class ProfileUpserts {

    private static final String SQL = """
            INSERT INTO users (id, display_name, primary_email, image_url, profile_updated_at)
            SELECT p.id, p.display_name, p.primary_email, p.image_url, timestamptz 'epoch' + p.updated_ms * interval '1 millisecond'
              FROM (VALUES (?, ?, ?, ?, ?::int8)) AS p(id, display_name, primary_email, image_url, updated_ms)
             WHERE NOT EXISTS (SELECT 1 FROM deleted_users d WHERE d.user_id = p.id)
            ON CONFLICT (id) DO UPDATE
               SET display_name = excluded.display_name, primary_email = excluded.primary_email,
                   image_url = excluded.image_url, profile_updated_at = excluded.profile_updated_at
             WHERE users.profile_updated_at IS NULL OR users.profile_updated_at < excluded.profile_updated_at
            """;

    private ProfileUpserts() {
    }

    /** @return whether the users row changed */
    static boolean upsert(Connection connection, String userId, UserProfileChanged profile) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setString(1, userId);
            statement.setString(2, profile.getDisplayName());
            statement.setString(3, profile.getPrimaryEmail());
            statement.setString(4, profile.getImageUrl());
            statement.setLong(5, profile.getProfileUpdatedAt().toEpochMilli());
            return statement.executeUpdate() > 0;
        }
    }
}
