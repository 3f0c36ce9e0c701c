package io.chorus.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Stands in for a gateway's proxy in a service's tests: a SUB socket bound where publishers
 * connect, collecting every [topic][payload] it receives. Like the proxy it is a CURVE server with
 * the shared test server key (it admits any client key). Its socket lives on its own thread.
 */
public final class BusSink implements AutoCloseable {

    public record Received(String topic, String payload) {
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final ZContext context = new ZContext(1);
    private final CountDownLatch bound = new CountDownLatch(1);
    private final Thread thread;
    private volatile int port;
    private volatile boolean running = true;

    public BusSink() {
        thread = new Thread(this::run, "zmq-test-sink");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!bound.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("bus sink did not bind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String endpoint() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The next message, or null if none arrives in time. */
    public Received poll(long timeout, TimeUnit unit) throws InterruptedException {
        return received.poll(timeout, unit);
    }

    /**
     * A ZeroMQ PUB drops what it sends before the SUB's subscription has reached it (the slow
     * joiner): sends one message at a time until one arrives, so that a test can then assert on
     * a particular message. Fails after 40 tries, half a second apart.
     */
    public void awaitCarrying(Runnable sendOne) throws InterruptedException {
        for (int attempt = 0; attempt < 40; attempt++) {
            sendOne.run();
            if (poll(500, TimeUnit.MILLISECONDS) != null) {
                return;
            }
        }
        throw new AssertionError("nothing reached the bus in 20 s");
    }

    private void run() {
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        socket.subscribe(new byte[0]);
        socket.setCurveServer(true);
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(ServiceSecrets.shared().busServer().secretKey()));
        // Wakes up to notice close(): the socket must be closed on this thread, not under a recv.
        socket.setReceiveTimeOut(200);
        port = socket.bindToRandomPort("tcp://127.0.0.1");
        bound.countDown();
        try {
            while (running) {
                byte[] topic = socket.recv(0);
                if (topic == null) {
                    continue;
                }
                byte[] payload = socket.hasReceiveMore() ? socket.recv(0) : new byte[0];
                received.add(new Received(new String(topic, StandardCharsets.UTF_8),
                        new String(payload, StandardCharsets.UTF_8)));
            }
        } catch (ZMQException e) {
            // ETERM: the context closed, the sink is done.
        } finally {
            socket.close();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
    }
}
