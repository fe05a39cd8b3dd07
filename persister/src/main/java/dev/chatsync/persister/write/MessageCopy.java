package dev.chatsync.persister.write;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import dev.chatsync.persister.fold.FoldedBatch.MessageVersion;

/**
 * Inserts new messages with a binary COPY into {@code messages} itself: COPY inserts rows in groups
 * with one WAL record per group, where an INSERT writes one per row, and binary values need neither
 * escaping nor parsing. Rows go in the order given, which is Kafka order, so each takes its seq in the
 * order the client sent them. The caller has established that none of them exists and that no
 * tombstone buries them ({@link MessageProbe}).
 */
final class MessageCopy {

    private static final String SQL = """
            COPY messages (conversation_pk, user_id, message_id, role, content, parts, metadata, based_on, created_at,
                           updated_at, change_xid, version_hash)
            FROM STDIN (FORMAT binary)
            """;

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final short COLUMNS = 12;
    private static final int JSONB_VERSION = 1;
    /** Postgres counts timestamps in microseconds from 2000-01-01T00:00Z. */
    private static final long POSTGRES_EPOCH_MILLIS = 946_684_800_000L;
    private static final int BUFFER_BYTES = 1 << 16;

    private MessageCopy() {
    }

    /** @param changeXid the transaction's id ({@code pg_current_xact_id()}), every row's change stamp */
    static void insert(Connection connection, List<StagedMessage> rows, String changeXid) throws SQLException {
        long xid = Long.parseUnsignedLong(changeXid);
        PGCopyOutputStream copy = new PGCopyOutputStream(connection.unwrap(PGConnection.class), SQL, BUFFER_BYTES);
        try (DataOutputStream out = new DataOutputStream(copy)) {
            out.write(SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
            for (StagedMessage row : rows) {
                MessageVersion message = row.message();
                out.writeShort(COLUMNS);
                out.writeInt(Long.BYTES);
                out.writeLong(row.conversationPk());
                text(out, message.conversation().userId());
                text(out, message.messageId());
                text(out, message.role());
                bytes(out, row.contentUtf8());
                jsonb(out, message.parts());
                jsonb(out, message.metadata());
                if (message.baseRevision() == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(Integer.BYTES);
                    out.writeInt(message.baseRevision());
                }
                timestamptz(out, message.createdAt());
                timestamptz(out, message.acceptedAt());
                out.writeInt(Long.BYTES);
                out.writeLong(xid);
                bytes(out, row.digest());
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw copyFailed(e);
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        bytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static void jsonb(DataOutputStream out, String json) throws IOException {
        if (json == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        out.writeInt(1 + bytes.length);
        out.write(JSONB_VERSION);
        out.write(bytes);
    }

    private static void timestamptz(DataOutputStream out, Instant at) throws IOException {
        out.writeInt(Long.BYTES);
        // milliseconds, the precision events carry, as the statements' epoch arithmetic stores them
        out.writeLong((at.toEpochMilli() - POSTGRES_EPOCH_MILLIS) * 1_000L);
    }

    // PGCopyOutputStream reports the server's refusal (a constraint, a malformed value) as an
    // IOException wrapping the SQLException; the bisecting writer needs the SQLException to tell
    // refused data from a lost connection.
    private static SQLException copyFailed(IOException e) {
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof SQLException sql) {
                return sql;
            }
            cause = cause.getCause();
        }
        return new SQLException("COPY into messages failed", "08006", e);
    }
}
