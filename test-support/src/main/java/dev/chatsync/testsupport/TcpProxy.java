package dev.chatsync.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on a fixed loopback port in front of a server that a test can cut off or replace. While
 * cut, open connections are reset and new ones are accepted and closed at once: what a network drop,
 * a Neon compute restart or a lost broker looks like to a client. Retargeting puts a new server (a
 * restarted broker on another port) behind the same address. A delay (given at construction or set
 * later) holds every chunk for half of it in each direction, so a request and its answer take the
 * delay longer, whatever is in flight: the round trip to a database in another zone or region, or a
 * server that turned slow.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private volatile long delayEachWayNanos;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int targetPort;
    private volatile boolean cut;

    /** @param targetPort where to relay to; 0 while nothing is behind the proxy yet (connections are refused) */
    public TcpProxy(String targetHost, int targetPort) {
        this(targetHost, targetPort, Duration.ZERO);
    }

    /** @param roundTripDelay added to every round trip through the proxy, half on the way there, half back */
    public TcpProxy(String targetHost, int targetPort, Duration roundTripDelay) {
        this.delayEachWayNanos = roundTripDelay.toNanos() / 2;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port", e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on, open connections included, every round trip takes {@code roundTripDelay} longer (zero: none). */
    public void delay(Duration roundTripDelay) {
        delayEachWayNanos = roundTripDelay.toNanos() / 2;
    }

    /** Resets every open connection and refuses new ones until {@link #restore()} or {@link #retarget(int)}. */
    public void cut() {
        cut = true;
        dropOpenConnections();
    }

    public void restore() {
        cut = false;
    }

    /** Relays new connections to this port from now on, and resets those to the previous target. */
    public void retarget(int port) {
        targetPort = port;
        cut = false;
        dropOpenConnections();
    }

    private void dropOpenConnections() {
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut || targetPort == 0) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                relay(client, upstream);
                relay(upstream, client);
            } catch (IOException refused) {
                closeQuietly(client); // the target is down: the client sees its connection drop
            }
        }
    }

    /**
     * A reader that stamps each chunk with when it is due and a writer that waits for that moment, so
     * the delay adds to each chunk's latency without limiting how many bytes are on their way.
     */
    private void relay(Socket from, Socket to) {
        BlockingQueue<Chunk> due = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    due.add(new Chunk(System.nanoTime() + delayEachWayNanos, Arrays.copyOf(buffer, read)));
                }
            } catch (IOException e) {
                // one side closed or was cut
            } finally {
                due.add(Chunk.END);
            }
        }, "tcp-proxy-pump");
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                // Nagle's algorithm would hold a small chunk behind an unacknowledged one, a stall the delay does not model
                to.setTcpNoDelay(true);
                for (Chunk chunk = due.take(); chunk != Chunk.END; chunk = due.take()) {
                    for (long wait = chunk.dueNanos() - System.nanoTime(); wait > 0; wait = chunk.dueNanos() - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed or was cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-delay");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cut();
    }
}
