package io.chorus.common.bus;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
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
 */
public class BusPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BusPublisher.class);
    private static final BusMessage STOP = new BusMessage("", "");

    private final List<String> endpoints;
    private final BlockingQueue<BusMessage> outbox;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean connected;
    private final Set<String> unresolved = ConcurrentHashMap.newKeySet();

    public BusPublisher(List<String> endpoints, int outboxCapacity) {
        this.endpoints = List.copyOf(endpoints);
        this.outbox = new ArrayBlockingQueue<>(outboxCapacity);
        this.thread = new Thread(this::run, "zmq-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
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
            Set<String> pending = new LinkedHashSet<>(endpoints);
            connectPending(socket, pending);
            connected = true;
            while (!Thread.currentThread().isInterrupted()) {
                if (!pending.isEmpty()) {
                    connectPending(socket, pending);
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
        } finally {
            connected = false;
        }
    }

    /**
     * Connects to every endpoint it can. ZeroMQ resolves a host name once, at connect, and refuses
     * one that does not resolve yet (a gateway pod not scheduled yet); such an endpoint is retried
     * every second instead of stopping the publisher. Meanwhile gateways gap-fill from the log.
     */
    private void connectPending(ZMQ.Socket socket, Set<String> pending) {
        pending.removeIf(endpoint -> {
            try {
                socket.connect(endpoint);
                unresolved.remove(endpoint);
                return true;
            } catch (RuntimeException e) {
                if (unresolved.add(endpoint)) {
                    LOG.warnf("cannot connect the bus to %s yet (%s); retrying every second", endpoint, e.getMessage());
                }
                return false;
            }
        });
    }

    /** Endpoints not connected yet because their names do not resolve. */
    public Set<String> unresolved() {
        return Set.copyOf(unresolved);
    }

    @Override
    public void close() {
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
