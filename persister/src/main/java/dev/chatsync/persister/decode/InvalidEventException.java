package dev.chatsync.persister.decode;

/**
 * A decodable event that breaks the pipeline contract; retrying cannot fix it. Its class name goes out
 * in the kafka_dlt-exception-fqcn header, so renaming or moving it changes what dead-letter readers see.
 */
class InvalidEventException extends RuntimeException {

    InvalidEventException(String message) {
        super(message);
    }
}
