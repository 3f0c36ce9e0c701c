package io.chorus.common.bus;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 *
 * <p>An endpoint named by a host name stands for every address the name has, now: in Kubernetes
 * one headless Service name whose A records are all gateway pods. The name is looked up again
 * every resolve interval; the socket connects to each address that appears and disconnects each
 * that goes, so gateways that scale out or in are found without a restart.
 */
public class BusPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BusPublisher.class);
    private static final BusMessage STOP = new BusMessage("", "");
    /** Wakes the publisher thread when the resolver found different addresses. */
    private static final BusMessage ADDRESSES_CHANGED = new BusMessage("", "");
    private static final Pattern TCP_ENDPOINT = Pattern.compile("tcp://(.+):(\\d+)");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[.*]|\\*");
    /**
     * JeroMQ 0.6.0 leaves a few percent of fresh outgoing connections TCP-connected but never
     * handshaken (a selector race in its poller, zeromq/jeromq#1022): the peer's subscriptions
     * never arrive and everything sent is dropped until the handshake timer gives up and
     * reconnects, 30 s by default. A short timer turns that stall into about a second.
     */
    static final int HANDSHAKE_TIMEOUT_MS = 1000;
    static final Duration DEFAULT_RESOLVE_INTERVAL = Duration.ofSeconds(5);

    /** Looks a host name up: all its addresses now, or UnknownHostException when it has none. */
    @FunctionalInterface
    public interface Resolver {

        /** The JVM's resolver; see {@link #dnsCacheSeconds()} for how long it keeps an answer. */
        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

        List<InetAddress> lookup(String host) throws UnknownHostException;
    }

    private final List<String> endpoints;
    private final byte[] serverKey;
    private final CurveKeyPair keys;
    private final Heartbeat heartbeat;
    private final BlockingQueue<BusMessage> outbox;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private volatile boolean connected;
    /** Endpoints named by host names, by endpoint: the name and the port. */
    private final Map<String, Named> named = new LinkedHashMap<>();
    /** Named endpoints whose latest lookup found nothing. */
    private final Set<String> unresolved = ConcurrentHashMap.newKeySet();
    /** Every address the named endpoints have now, as tcp:// endpoints; set by the resolver thread. */
    private final AtomicReference<Set<String>> wanted = new AtomicReference<>(Set.of());
    /** What the socket is connected to, written by the publisher thread (for readiness). */
    private volatile Set<String> addresses = Set.of();
    private final CountDownLatch closing = new CountDownLatch(1);

    private record Named(String host, int port) {
    }

    /**
     * ZMTP heartbeats: a PING every {@code interval}; a connection with no traffic for
     * {@code timeout} is dropped (and reconnected), so a peer that died without closing its
     * connection (a node lost, a partition) is noticed within seconds, not TCP's minutes.
     */
    public record Heartbeat(Duration interval, Duration timeout) {

        public static final Heartbeat DEFAULT = new Heartbeat(Duration.ofSeconds(2), Duration.ofSeconds(6));

        public void applyTo(ZMQ.Socket socket) {
            socket.setHeartbeatIvl(Math.toIntExact(interval.toMillis()));
            socket.setHeartbeatTimeout(Math.toIntExact(timeout.toMillis()));
            // Tells the peer to drop this connection too after as long without a word from here.
            socket.setHeartbeatTtl(Math.toIntExact(timeout.toMillis()));
        }
    }

    /**
     * @param serverKey the proxies' CURVE public key (Z85)
     * @param keys      this publisher's own key pair; the proxies admit its public half
     */
    public BusPublisher(List<String> endpoints, int outboxCapacity, String serverKey, CurveKeyPair keys) {
        this(endpoints, outboxCapacity, serverKey, keys, DEFAULT_RESOLVE_INTERVAL, Heartbeat.DEFAULT, Resolver.SYSTEM);
    }

    public BusPublisher(BusConfig config, String serverKey, CurveKeyPair keys) {
        this(config.endpoints(), config.outboxCapacity(), serverKey, keys, config.resolveInterval(),
                new Heartbeat(config.heartbeatInterval(), config.heartbeatTimeout()), Resolver.SYSTEM);
    }

    /**
     * @param resolveInterval how often host names are looked up again
     * @param resolver        looks host names up (the JVM's, or a test's)
     */
    public BusPublisher(List<String> endpoints, int outboxCapacity, String serverKey, CurveKeyPair keys,
                        Duration resolveInterval, Heartbeat heartbeat, Resolver resolver) {
        this.endpoints = List.copyOf(endpoints);
        this.serverKey = CurveKeyPair.decode(serverKey, "server key");
        this.keys = keys;
        this.heartbeat = heartbeat;
        this.outbox = new ArrayBlockingQueue<>(outboxCapacity);
        for (String endpoint : this.endpoints) {
            Matcher tcp = TCP_ENDPOINT.matcher(endpoint);
            if (tcp.matches() && !IP_LITERAL.matcher(tcp.group(1)).matches()) {
                named.put(endpoint, new Named(tcp.group(1), Integer.parseInt(tcp.group(2))));
                unresolved.add(endpoint);
            }
        }
        this.thread = new Thread(this::run, "zmq-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
        if (!named.isEmpty()) {
            LOG.infof("bus endpoints %s are looked up every %s; the JVM keeps a lookup's answer for %s",
                    named.keySet(), resolveInterval, dnsCacheSeconds());
            Thread.ofVirtual().name("zmq-publisher-dns").start(() -> resolveNames(resolver, resolveInterval));
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

    /** Named endpoints whose latest lookup found no address (never looked up counts too). */
    public Set<String> unresolved() {
        return Set.copyOf(unresolved);
    }

    /** The addresses of named endpoints the socket is connected to now, as tcp:// endpoints. */
    public Set<String> addresses() {
        return addresses;
    }

    private void run() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket socket = context.createSocket(SocketType.PUB);
            socket.setLinger(1000);
            // What the proxy sends back (its subscriptions) is bounded as everything on the bus is.
            socket.setMaxMsgSize(BusMessage.MAX_FRAME_BYTES);
            // Past this many queued messages per peer ZeroMQ drops; gap-filling covers it.
            socket.setSndHWM(100_000);
            socket.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
            // A name may resolve to IPv6 addresses only; JeroMQ still takes IPv4 literals then.
            socket.setIPv6(true);
            heartbeat.applyTo(socket);
            socket.setCurveServerKey(serverKey);
            socket.setCurvePublicKey(CurveKeyPair.decode(keys.publicKey(), "public key"));
            socket.setCurveSecretKey(CurveKeyPair.decode(keys.secretKey(), "secret key"));
            endpoints.stream().filter(endpoint -> !named.containsKey(endpoint)).forEach(socket::connect);
            connected = true;
            Set<String> applied = Set.of();
            while (!Thread.currentThread().isInterrupted()) {
                Set<String> now = wanted.get();
                if (now != applied) {
                    follow(socket, applied, now);
                    applied = now;
                }
                BusMessage message = outbox.poll(1, TimeUnit.SECONDS);
                if (message == STOP) {
                    break;
                }
                if (message != null && message != ADDRESSES_CHANGED) {
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

    /** Connects the addresses that appeared and disconnects those that went; on the publisher thread. */
    private void follow(ZMQ.Socket socket, Set<String> before, Set<String> now) {
        Set<String> current = new LinkedHashSet<>(addresses);
        for (String address : before) {
            if (!now.contains(address)) {
                LOG.infof("bus: %s is gone from DNS; disconnecting", address);
                try {
                    socket.disconnect(address);
                } catch (ZMQException | IllegalArgumentException e) {
                    LOG.warnf("bus: could not disconnect %s: %s", address, e.getMessage());
                }
                current.remove(address);
            }
        }
        for (String address : now) {
            if (!before.contains(address)) {
                LOG.infof("bus: connecting to %s", address);
                try {
                    socket.connect(address);
                    current.add(address);
                } catch (ZMQException | IllegalArgumentException e) {
                    LOG.warnf("bus: could not connect to %s: %s", address, e.getMessage());
                }
            }
        }
        addresses = Set.copyOf(current);
    }

    /**
     * ZeroMQ would resolve a host name once, when it connects, on the socket's thread, and refuse
     * one that does not resolve yet (no gateway pod ready yet); a lookup can also hang for seconds
     * where DNS is unreachable. So names are looked up here, on a thread of their own, every
     * interval; the publisher thread follows the answers and keeps publishing meanwhile. A failed
     * lookup changes nothing (DNS may blip; heartbeats drop connections to peers that are really
     * gone); only an answer without an address takes that address away. Gateways fill from the
     * log what the bus did not bring.
     */
    private void resolveNames(Resolver resolver, Duration interval) {
        Map<String, Set<String>> known = new LinkedHashMap<>();
        Set<String> warned = new HashSet<>();
        try {
            do {
                for (Map.Entry<String, Named> entry : named.entrySet()) {
                    String endpoint = entry.getKey();
                    try {
                        Set<String> found = addressesOf(resolver.lookup(entry.getValue().host()), entry.getValue().port());
                        if (found.isEmpty()) {
                            throw new UnknownHostException(entry.getValue().host() + " has no address");
                        }
                        if (!found.equals(known.put(endpoint, found))) {
                            LOG.infof("bus endpoint %s resolves to %s", endpoint, found);
                        }
                        unresolved.remove(endpoint);
                        warned.remove(endpoint);
                    } catch (UnknownHostException | RuntimeException e) {
                        unresolved.add(endpoint);
                        if (warned.add(endpoint)) {
                            LOG.warnf("cannot resolve bus endpoint %s (%s); retrying every %s%s", endpoint, e.getMessage(), interval,
                                    known.containsKey(endpoint) ? ", and keeping its last addresses meanwhile" : "");
                        }
                    }
                }
                Set<String> all = new HashSet<>();
                known.values().forEach(all::addAll);
                // An address also listed as a literal endpoint is connected once, not twice.
                all.removeAll(endpoints);
                if (!all.equals(wanted.get())) {
                    wanted.set(Set.copyOf(all));
                    outbox.offer(ADDRESSES_CHANGED);
                }
            } while (!closing.await(interval.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** IPv4 addresses when the name has any (pods and laptops listen there), else its IPv6 ones. */
    private static Set<String> addressesOf(List<InetAddress> found, int port) {
        List<InetAddress> chosen = found.stream().filter(Inet4Address.class::isInstance).toList();
        if (chosen.isEmpty()) {
            chosen = found;
        }
        Set<String> endpoints = new LinkedHashSet<>();
        for (InetAddress address : chosen) {
            String host = address.getHostAddress();
            endpoints.add("tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        }
        return endpoints;
    }

    /**
     * How long the JVM keeps a successful lookup (seconds): {@code networkaddress.cache.ttl}, or
     * {@code sun.net.inetaddr.ttl}, read once, at the JVM's first lookup; 30 by default. Names
     * move no faster than this, so the images set {@code -Dsun.net.inetaddr.ttl} low.
     */
    static String dnsCacheSeconds() {
        String security = Security.getProperty("networkaddress.cache.ttl");
        if (security != null) {
            return security + " s (networkaddress.cache.ttl)";
        }
        String system = System.getProperty("sun.net.inetaddr.ttl");
        return system != null ? system + " s (sun.net.inetaddr.ttl)" : "30 s (the JVM's default; set -Dsun.net.inetaddr.ttl lower)";
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
