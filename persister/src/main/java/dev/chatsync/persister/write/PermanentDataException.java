package dev.chatsync.persister.write;

import java.sql.SQLException;

/** The database refused the data itself; the same rows will be refused again, however often retried. */
class PermanentDataException extends Exception {

    PermanentDataException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    SQLException sqlException() {
        return (SQLException) getCause();
    }
}
