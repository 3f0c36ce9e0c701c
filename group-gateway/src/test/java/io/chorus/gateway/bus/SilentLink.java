package io.chorus.gateway.bus;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP relay to a local port that can fall silent: both connections stay open, but no byte passes
 * either way, as when the peer's node died or the network split. Only a heartbeat notices that;
 * the latches count which side closed its end of a connection made before the link fell silent,
 * while it was silent.
 */
final class SilentLink implements AutoCloseable {

    /** The side that connected (through the link) closed its connection. */
    final CountDownLatch connectingSideClosed = new CountDownLatch(1);
    /** The side listening behind the link closed its connection. */
    final CountDownLatch listeningSideClosed = new CountDownLatch(1);

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean silent;

    SilentLink(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("silent-link").start(this::accept);
    }

    String endpoint() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    void silence() {
        silent = true;
    }

    private void accept() {
        try {
            while (!server.isClosed()) {
                Socket connecting = server.accept();
                Socket listening = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(connecting);
                sockets.add(listening);
                // Any connection made before the silence counts: JeroMQ may drop a first connection
                // whose handshake stalled and carry the traffic on a second (a close before the
                // silence counts for nothing). Reconnects made while silent count for nothing.
                CountDownLatch connectingClosed = silent ? new CountDownLatch(1) : connectingSideClosed;
                CountDownLatch listeningClosed = silent ? new CountDownLatch(1) : listeningSideClosed;
                Thread.ofVirtual().start(() -> pump(connecting, listening, connectingClosed));
                Thread.ofVirtual().start(() -> pump(listening, connecting, listeningClosed));
            }
        } catch (IOException closed) {
            // close() ends it.
        }
    }

    /** Copies until {@code from} closes; while silent, reads and drops. Never closes the other end. */
    private void pump(Socket from, Socket to, CountDownLatch closedWhileSilent) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (!silent) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
        } catch (IOException reset) {
            // A reset is a close as well.
        }
        if (silent && !server.isClosed()) {
            closedWhileSilent.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
