package dev.chatsync.persister.write;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.chatsync.persister.decode.Decoded;
import dev.chatsync.persister.fold.BatchFolder;
import dev.chatsync.persister.fold.FoldedBatch;
import dev.chatsync.schemas.event.ConversationEvent;

/**
 * Keeps a deleted account deleted: of a batch's events, only those of users that are alive when the
 * batch writes pass. The rule, with {@link AccountWriter}'s deletion:
 * <ol>
 * <li>A batch first creates its missing users, except those marked in deleted_users ({@link UserUpserts}).</li>
 * <li>Then, in one later statement, it takes a KEY SHARE lock on its users' rows and reads their markers.
 *     It writes the events of the users whose row it holds and that carry no marker, and drops the rest.</li>
 * <li>A deletion inserts the marker, then inserts the users row ON CONFLICT DO NOTHING, which waits for
 *     any batch still inserting that row, then deletes the row, which waits for every batch holding it,
 *     and cascades to whatever those batches wrote.</li>
 * </ol>
 * So either a batch holds the row before the deletion deletes it (the deletion waits, then removes the
 * batch's rows with the rest), or its locking statement starts after the deletion removed the row or
 * committed its marker (the row is not found, or the marker is seen): nothing of a deleted user
 * survives, whatever partition its events came from and whenever they are consumed. The lock must come
 * in a statement of its own after the users were created: in READ COMMITTED a statement sees the
 * commits that happened before it started, and the insert of step 1 may have waited for the deletion.
 * A row step 1 re-created for a user deleted meanwhile is deleted again here.
 */
final class AccountGate {

    // FOR KEY SHARE conflicts only with deleting the row (or changing its key): concurrent batches of
    // one user, and profile updates, do not wait for each other.
    private static final String HELD_AND_MARKED = """
            WITH held AS (
                SELECT id FROM users WHERE id = ANY (?::text[]) FOR KEY SHARE
            )
            SELECT held.id, EXISTS (SELECT 1 FROM deleted_users d WHERE d.user_id = held.id) AS marked
              FROM held
            """;

    private static final String RE_CREATED = """
            DELETE FROM users WHERE id = ANY (?::text[])
            """;

    private AccountGate() {
    }

    /**
     * What a batch may write: {@code folded} itself when all its users are alive (nearly always), else
     * the fold of the events of the live ones; and how many events it dropped for their deleted users.
     */
    record Admitted(FoldedBatch folded, int dropped) {
    }

    /** Creates the batch's missing users and returns what may be written. */
    static Admitted admit(Connection connection, FoldedBatch folded, List<Decoded.Event> events) throws SQLException {
        UserUpserts.upsert(connection, folded.userIds());
        Set<String> alive = new HashSet<>();
        List<String> reCreated = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(HELD_AND_MARKED)) {
            statement.setArray(1, PgArrays.text(connection, folded.userIds(), id -> id));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    (rows.getBoolean(2) ? reCreated : alive).add(rows.getString(1));
                }
            }
        }
        if (!reCreated.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(RE_CREATED)) {
                statement.setArray(1, PgArrays.text(connection, reCreated, id -> id));
                statement.executeUpdate();
            }
        }
        if (alive.size() == folded.userIds().size()) {
            return new Admitted(folded, 0);
        }
        List<ConversationEvent> admitted = events.stream().map(Decoded.Event::event).filter(event -> alive.contains(event.getUserId())).toList();
        return new Admitted(BatchFolder.fold(admitted), events.size() - admitted.size());
    }
}
