package dev.chatsync.persister.write;

/**
 * The batch was not written and nothing of it was committed; the same batch must be tried again.
 * Thrown for transient database trouble and for anything not known to be the data's fault.
 */
public class RetriableBatchException extends RuntimeException {

    RetriableBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
