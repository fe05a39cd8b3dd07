package dev.chatsync.persister.decode;

/** A decodable event that breaks the pipeline contract; retrying cannot fix it. */
public class InvalidEventException extends RuntimeException {

    InvalidEventException(String message) {
        super(message);
    }
}
