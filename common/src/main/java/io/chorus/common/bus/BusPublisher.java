package io.chorus.common.bus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Publishes to the gateways' ZeroMQ proxies (their XSUB sockets). A ZeroMQ socket must live on
 * one thread, so callers hand messages to the named thread "zmq-publisher", which owns the
 * context and the PUB socket. Publishing never blocks a caller: the bus is the fast path, and
 * gateways fill any gap from the durable log, so a message dropped here is late, never lost.
 * Every connection is a CURVE client: encrypted, and admitted by the proxy only for this
 * publisher's public key.
 */
public class BusPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BusPublisher.class);
    private static final BusMessage STOP = new BusMessage("", "");
    private static final Pattern TCP_HOST = Pattern.compile("tcp://(.+):\\d+");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[.*]|\\*");
    /**
     * JeroMQ 0.6.0 leaves a few percent of fresh outgoing connections TCP-connected but never
     * handshaken (a selector race in its poller, zeromq/jeromq#1022): the peer's subscriptions
     * never arrive and everything sent is dropped until the handshake timer gives up and
     * reconnects, 30 s by default. A short timer turns that stall into about a second.
     */
    static final int HANDSHAKE_TIMEOUT_MS = 1000;

    private final List<String> endpoints;
    private final byte[] serverKey;
    private final CurveKeyPair keys;
    private final BlockingQueue<BusMessage> outbox;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean connected;
    /** Endpoints named by a host name that has not resolved yet. */
    private final Set<String> unresolved = ConcurrentHashMap.newKeySet();
    /** Resolved by the resolver thread, waiting for the publisher thread to connect them. */
    private final Queue<String> resolved = new ConcurrentLinkedQueue<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    /**
     * @param serverKey the proxies' CURVE public key (Z85)
     * @param keys      this publisher's own key pair; the proxies admit its public half
     */
    public BusPublisher(List<String> endpoints, int outboxCapacity, String serverKey, CurveKeyPair keys) {
        this.endpoints = List.copyOf(endpoints);
        this.serverKey = CurveKeyPair.decode(serverKey, "server key");
        this.keys = keys;
        this.outbox = new ArrayBlockingQueue<>(outboxCapacity);
        for (String endpoint : this.endpoints) {
            if (!IP_LITERAL.matcher(host(endpoint)).matches()) {
                unresolved.add(endpoint);
            }
        }
        this.thread = new Thread(this::run, "zmq-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
        if (!unresolved.isEmpty()) {
            Thread.ofVirtual().name("zmq-publisher-dns").start(this::resolveNames);
        }
    }

    public void publish(BusMessage message) {
        if (!outbox.offer(message)) {
            dropped.incrementAndGet();
        }
    }

    /** True once the PUB socket exists; endpoints whose names don't resolve yet are retried meanwhile. */
    public boolean isConnected() {
        return connected;
    }

    public List<String> endpoints() {
        return endpoints;
    }

    public long published() {
        return published.get();
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket socket = context.createSocket(SocketType.PUB);
            socket.setLinger(1000);
            // Past this many queued messages per peer ZeroMQ drops; gap-filling covers it.
            socket.setSndHWM(100_000);
            socket.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            socket.setCurveServerKey(serverKey);
            socket.setCurvePublicKey(CurveKeyPair.decode(keys.publicKey(), "public key"));
            socket.setCurveSecretKey(CurveKeyPair.decode(keys.secretKey(), "secret key"));
            endpoints.stream().filter(endpoint -> !unresolved.contains(endpoint)).forEach(socket::connect);
            connected = true;
            while (!Thread.currentThread().isInterrupted()) {
                String endpoint;
                while ((endpoint = resolved.poll()) != null) {
                    socket.connect(endpoint);
                    unresolved.remove(endpoint);
                }
                BusMessage message = outbox.poll(1, TimeUnit.SECONDS);
                if (message == STOP) {
                    break;
                }
                if (message != null) {
                    message.sendOn(socket);
                    published.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                LOG.error("bus publisher stopped", e);
            }
        } catch (RuntimeException | AssertionError e) {
            // Never silently: readiness turns DOWN with it, and this says why.
            LOG.error("bus publisher stopped", e);
        } finally {
            connected = false;
        }
    }

    /**
     * ZeroMQ resolves a host name when it connects, on the socket's thread, and refuses one that
     * does not resolve yet (a gateway pod not scheduled yet). A lookup can also hang for seconds
     * where DNS is unreachable. So names are looked up here, on a thread of their own, retried
     * every second until they resolve; the publisher thread connects them once they do, and keeps
     * publishing to the others meanwhile. Gateways fill from the log what the bus did not bring.
     */
    private void resolveNames() {
        Set<String> warned = ConcurrentHashMap.newKeySet();
        try {
            while (closing.getCount() > 0) {
                for (String endpoint : unresolved) {
                    if (resolved.contains(endpoint)) {
                        continue;
                    }
                    try {
                        InetAddress.getAllByName(host(endpoint));
                        resolved.add(endpoint);
                    } catch (UnknownHostException e) {
                        if (warned.add(endpoint)) {
                            LOG.warnf("cannot resolve bus endpoint %s yet; retrying every second", endpoint);
                        }
                    }
                }
                if (resolved.containsAll(unresolved) || closing.await(1, TimeUnit.SECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String host(String endpoint) {
        Matcher matcher = TCP_HOST.matcher(endpoint);
        return matcher.matches() ? matcher.group(1) : endpoint;
    }

    /** Endpoints not connected yet because their host names do not resolve (yet). */
    public Set<String> unresolved() {
        return Set.copyOf(unresolved);
    }

    @Override
    public void close() {
        closing.countDown();
        // Sends what is queued, then stops; a full outbox is abandoned (gateways gap-fill it).
        if (!outbox.offer(STOP)) {
            thread.interrupt();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
