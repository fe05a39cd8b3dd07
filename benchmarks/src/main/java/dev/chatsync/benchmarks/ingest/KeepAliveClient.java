package dev.chatsync.benchmarks.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The benchmark's HTTP/1.1 client: keep-alive connections on one selector thread, each request
 * written from prepared bytes, each response read only as far as its status and body. The load
 * generator shares the machine's cores with the API it measures, and Reactor Netty's client took
 * CPU the API then did not get. Requests beyond the free connections wait in order for one, so an
 * open loop still sees queueing.
 */
public final class KeepAliveClient implements AutoCloseable {

    private static final byte[] END_OF_HEAD = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String CONTENT_LENGTH = "\r\ncontent-length:";

    private final InetSocketAddress server;
    private final String host;
    private final Selector selector;
    private final Queue<Exchange> waiting = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Thread loop;
    private volatile boolean closed;

    public KeepAliveClient(InetSocketAddress server, int connections) throws IOException {
        this.server = server;
        this.host = server.getHostString() + ":" + server.getPort();
        this.selector = Selector.open();
        for (int i = 0; i < connections; i++) {
            idle.add(connect());
        }
        this.loop = new Thread(this::run, "keep-alive-client");
        loop.setDaemon(true);
        loop.start();
    }

    /** Completes on the client's thread: a callback that posts again adds no hand-off. */
    public CompletableFuture<Response> post(String path, String bearerToken, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nAuthorization: Bearer "
                + bearerToken + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        Exchange exchange = new Exchange(request, new CompletableFuture<>());
        waiting.add(exchange);
        if (Thread.currentThread() != loop) {
            selector.wakeup();
        }
        return exchange.response();
    }

    public record Response(int status, byte[] body) {
    }

    private record Exchange(ByteBuffer request, CompletableFuture<Response> response) {
    }

    private void run() {
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection connection = (Connection) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            connection.write();
                        }
                        if (key.isValid() && key.isReadable()) {
                            connection.read();
                        }
                    } catch (IOException | RuntimeException e) {
                        connection.fail(e);
                    }
                }
                selector.selectedKeys().clear();
                Exchange next;
                while (!idle.isEmpty() && (next = waiting.poll()) != null) {
                    Connection connection = idle.poll();
                    try {
                        connection.start(next);
                    } catch (IOException e) {
                        connection.fail(e);
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
            }
        }
    }

    private Connection connect() throws IOException {
        SocketChannel channel = SocketChannel.open(server);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.configureBlocking(false);
        Connection connection = new Connection(channel);
        channel.register(selector, SelectionKey.OP_READ, connection);
        return connection;
    }

    private final class Connection {
        private final SocketChannel channel;
        private ByteBuffer received = ByteBuffer.allocate(16 * 1024);
        private Exchange current;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void start(Exchange exchange) throws IOException {
            current = exchange;
            write();
        }

        void write() throws IOException {
            channel.write(current.request());
            channel.keyFor(selector).interestOps(current.request().hasRemaining()
                    ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
                    : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            if (!received.hasRemaining()) {
                received = ByteBuffer.allocate(received.capacity() * 2).put(received.flip());
            }
            if (channel.read(received) < 0) {
                throw new IOException("the server closed the connection");
            }
            if (current == null) {
                throw new IOException("a response nobody asked for");
            }
            byte[] bytes = received.array();
            int headEnd = indexOf(bytes, received.position(), END_OF_HEAD);
            if (headEnd < 0) {
                return;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            int bodyStart = headEnd + END_OF_HEAD.length;
            int bodyEnd = bodyStart + contentLength(head);
            if (received.position() < bodyEnd) {
                return;
            }
            if (received.position() > bodyEnd) {
                throw new IOException("bytes after the response: the client never pipelines");
            }
            Response response = new Response(Integer.parseInt(head.substring(9, 12)), Arrays.copyOfRange(bytes, bodyStart, bodyEnd));
            received.clear();
            Exchange done = current;
            current = null;
            if (head.contains("\r\nconnection: close")) {
                replace();
            } else {
                idle.add(this);
            }
            done.response().complete(response);
        }

        void fail(Exception failure) {
            Exchange failed = current;
            current = null;
            try {
                replace();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            if (failed != null) {
                failed.response().completeExceptionally(failure);
            }
        }

        private void replace() throws IOException {
            channel.keyFor(selector).cancel();
            channel.close();
            idle.add(connect());
        }

        /** From the lower-cased head. */
        private static int contentLength(String head) throws IOException {
            int header = head.indexOf(CONTENT_LENGTH);
            if (header < 0) {
                throw new IOException("a response without Content-Length: " + head);
            }
            int from = header + CONTENT_LENGTH.length();
            int to = head.indexOf("\r\n", from);
            return Integer.parseInt(head.substring(from, to < 0 ? head.length() : to).trim());
        }

        private static int indexOf(byte[] bytes, int limit, byte[] wanted) {
            outer:
            for (int i = 0; i + wanted.length <= limit; i++) {
                for (int j = 0; j < wanted.length; j++) {
                    if (bytes[i + j] != wanted[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        selector.wakeup();
        loop.join(5_000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }
}
