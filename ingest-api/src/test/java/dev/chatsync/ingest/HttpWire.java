package dev.chatsync.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * HTTP/1.1 read off a raw socket, for the tests that must see what a client library hides: how the
 * server chunked a streamed body, or an answer sent while the request's body is still being written.
 */
final class HttpWire {

    private HttpWire() {
    }

    /** One line of the head or of the chunk framing, without its CRLF. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** A chunked body up to its last chunk, each chunk's size told to {@code sizes} as the server sent it. */
    static byte[] chunkedBody(InputStream in, IntConsumer sizes) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
            sizes.accept(size);
            body.write(in.readNBytes(size));
            line(in);
        }
        return body.toByteArray();
    }
}
