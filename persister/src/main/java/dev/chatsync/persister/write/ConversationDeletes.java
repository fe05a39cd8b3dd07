package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import dev.chatsync.schemas.ConversationKey;

/** Deletes conversations; their messages and revisions go with them (ON DELETE CASCADE). */
final class ConversationDeletes {

    private static final String SQL = """
            DELETE FROM conversations c
            USING unnest(?::text[], ?::text[]) AS d(user_id, conversation_id)
            WHERE c.user_id = d.user_id AND c.conversation_id = d.conversation_id
            """;

    private ConversationDeletes() {
    }

    /** @return how many stored conversations were deleted */
    static int delete(Connection connection, List<ConversationKey> keys) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, PgArrays.text(connection, keys, ConversationKey::userId));
            statement.setArray(2, PgArrays.text(connection, keys, ConversationKey::conversationId));
            return statement.executeUpdate();
        }
    }
}
