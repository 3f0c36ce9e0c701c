package io.chorus.gateway.bus;

import io.chorus.common.bus.BusKeys;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher.Heartbeat;
import io.chorus.common.bus.CurveKeyPair;
import io.chorus.common.bus.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZError;
import zmq.io.Metadata;

/**
 * The bus: a ZeroMQ XSUB/XPUB proxy. Services publish to XSUB, the one socket on the network: a
 * CURVE server that admits only the publishers' public keys it is configured with (the ZAP
 * handler below), so a forged message never reaches a stream. The XPUB side is bound in-process
 * only: this gateway is its one subscriber, and nothing outside needs to read the bus. This class
 * is the one owner of the ZContext; each socket is made, used and closed on its own named thread:
 * "zmq-proxy" runs the proxy loop (and counts what passes: bus metrics come from there),
 * "zmq-fanout" is this gateway's own subscriber.
 *
 * <p>Every socket bounds frames to {@link BusMessage#MAX_FRAME_BYTES} before it binds or connects,
 * so no header a peer sends makes the gateway allocate more (docs/security.md).
 */
public class BusProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BusProxy.class);
    private static final String LOCAL_XPUB = "inproc://bus-xpub";
    private static final String CONTROL = "inproc://bus-control";
    private static final String ZAP_DOMAIN = "chorus-bus";
    /** Messages moved per turn of the loop before it looks at the other sockets again. */
    private static final int BATCH = 1000;
    /** Failed turns in a row after which readiness says the proxy is stuck, not blipping. */
    private static final int STUCK_AFTER = 3;

    private final ZContext context = new ZContext(1);
    private final ZAuth authenticator;
    private final CountDownLatch bound = new CountDownLatch(1);
    private final BusMeter meter;
    private final BurstWarning refusals = new BurstWarning(LOG, BurstWarning.INTERVAL);
    private final BurstWarning malformed = new BurstWarning(LOG, BurstWarning.INTERVAL);
    private final Thread proxy;
    private final Thread fanout;
    private volatile boolean running = true;
    private volatile Exception bindFailure;
    private volatile int boundXsubPort;
    /** How often a turn of the proxy loop failed (logged each time). */
    private volatile int restarts;
    /** Failed turns since the last one that succeeded. */
    private volatile int failingTurns;
    /** A thread of the bus (ZeroMQ's I/O threads included) that died of an uncaught throwable. */
    private volatile String deadThread;

    /**
     * @param serverSecretKey the proxy's CURVE secret key (Z85); publishers know its public half
     * @param publishers the publishers' public keys (Z85), the only ones the proxy admits, each with
     *                   the service it belongs to ({@link Topics#mayPublish}; {@link BusKeys#NO_SERVICE}: none)
     * @param meter counts what passes (on "zmq-proxy") and what is refused
     * @param subscriber called on "zmq-fanout" with every message this gateway subscribed to
     */
    public BusProxy(String bindAddress, int xsubPort, String serverSecretKey, Map<String, String> publishers,
                    BusMeter meter, Consumer<BusMessage> subscriber, String... topics) {
        this(bindAddress, xsubPort, serverSecretKey, publishers, Heartbeat.DEFAULT, meter, subscriber, topics);
    }

    /**
     * @param heartbeat ZMTP heartbeats on the publishers' connections: one whose publisher died
     *                  without closing it is dropped within the timeout, not kept for TCP's minutes
     */
    public BusProxy(String bindAddress, int xsubPort, String serverSecretKey, Map<String, String> publishers, Heartbeat heartbeat,
                    BusMeter meter, Consumer<BusMessage> subscriber, String... topics) {
        byte[] secret = CurveKeyPair.decode(serverSecretKey, "server secret key");
        publishers.keySet().forEach(key -> CurveKeyPair.decode(key, "allowed publisher key"));
        if (publishers.isEmpty()) {
            throw new IllegalArgumentException("the bus proxy needs the public keys of the publishers it admits");
        }
        this.meter = meter;
        long unassigned = publishers.values().stream().filter(service -> !Topics.publishers().contains(service)).count();
        if (unassigned > 0) {
            LOG.warnf("bus: %d admitted publisher key(s) belong to no service (%s or %s alone) and may publish nothing;"
                    + " list them under %s.<service> (docs/security.md)", unassigned, BusKeys.ALLOWED_KEYS,
                    BusKeys.ALLOWED_SECRET_KEYS, BusKeys.ALLOWED_KEYS);
        }
        // Before the first socket: ZeroMQ's I/O threads take the handler when they are made. One
        // that dies (as one did of an OutOfMemoryError before frames were bounded) leaves the bus
        // deaf while every Java thread of ours looks alive; readiness must see it.
        context.setUncaughtExceptionHandler((thread, failure) -> {
            deadThread = thread.getName();
            LOG.errorf(failure, "bus thread %s died; the gateway reports not ready", thread.getName());
        });
        // The ZAP handler must be listening before the first publisher's handshake arrives.
        authenticator = new ZAuth(context, "zmq-zap", Map.of("CURVE", new AdmittedKeys(Map.copyOf(publishers))));
        proxy = new Thread(() -> runProxy(bindAddress, xsubPort, secret, heartbeat), "zmq-proxy");
        proxy.start();
        try {
            if (!bound.await(10, TimeUnit.SECONDS) || bindFailure != null) {
                authenticator.close();
                throw new IllegalStateException("the bus proxy could not bind port " + xsubPort, bindFailure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        fanout = new Thread(() -> runSubscriber(subscriber, topics), "zmq-fanout");
        fanout.start();
        LOG.infof("bus proxy: publish to tcp://%s:%d (CURVE, %d publisher keys admitted)",
                bindAddress, boundXsubPort, publishers.size());
    }

    /**
     * Admits a CURVE client only for a public key on the list; everyone else gets no connection.
     * The ZAP user id of an admitted connection is the service its key belongs to: ZeroMQ puts it
     * on every message from that connection (the "User-Id" property), which is how the proxy loop
     * knows who sent what.
     */
    private record AdmittedKeys(Map<String, String> publishers) implements ZAuth.Auth {

        @Override
        public boolean configure(ZMsg configuration, boolean verbose) {
            return true;
        }

        @Override
        public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
            String service = request.clientKey == null ? null : publishers.get(request.clientKey);
            if (service == null) {
                LOG.debugf("bus: refused a publisher from %s with an unknown key", request.address);
                return false;
            }
            request.userId = service;
            return true;
        }
    }

    public int xsubPort() {
        return boundXsubPort;
    }

    private static int bind(ZMQ.Socket socket, String address, int port) {
        if (port == 0) {
            return socket.bindToRandomPort("tcp://" + address);
        }
        socket.bind("tcp://" + address + ":" + port);
        return port;
    }

    /** Up: both threads alive, none of ZeroMQ's died, and the proxy loop not failing turn after turn. */
    public boolean isRunning() {
        return running && proxy.isAlive() && fanout.isAlive() && deadThread == null && failingTurns < STUCK_AFTER;
    }

    /** Why {@link #isRunning} is false, for readiness; null while it is true. */
    public String failure() {
        if (deadThread != null) {
            return "thread " + deadThread + " died";
        }
        if (!proxy.isAlive()) {
            return "zmq-proxy stopped";
        }
        if (!fanout.isAlive()) {
            return "zmq-fanout stopped";
        }
        if (failingTurns >= STUCK_AFTER) {
            return "the proxy loop failed " + failingTurns + " times in a row";
        }
        return running ? null : "closed";
    }

    private void runProxy(String bindAddress, int xsubPort, byte[] serverSecretKey, Heartbeat heartbeat) {
        ZMQ.Socket xsub = context.createSocket(SocketType.XSUB);
        ZMQ.Socket xpub = context.createSocket(SocketType.XPUB);
        ZMQ.Socket control = context.createSocket(SocketType.PAIR);
        ZMQ.Poller poller = null;
        try {
            for (ZMQ.Socket socket : List.of(xsub, xpub, control)) {
                socket.setMaxMsgSize(BusMessage.MAX_FRAME_BYTES);
            }
            xsub.setRcvHWM(100_000);
            xpub.setSndHWM(100_000);
            heartbeat.applyTo(xsub);
            xsub.setZAPDomain(ZAP_DOMAIN);
            xsub.setCurveServer(true);
            xsub.setCurveSecretKey(serverSecretKey);
            // Port 0 picks a free port (tests); the real one is logged and readable.
            boundXsubPort = bind(xsub, bindAddress, xsubPort);
            xpub.bind(LOCAL_XPUB);
            control.bind(CONTROL);
            poller = context.createPoller(3);
            poller.register(xsub, ZMQ.Poller.POLLIN);
            poller.register(xpub, ZMQ.Poller.POLLIN);
            poller.register(control, ZMQ.Poller.POLLIN);
        } catch (ZMQException e) {
            bindFailure = e;
            bound.countDown();
            closeAll(xsub, xpub, control);
            return;
        }
        bound.countDown();
        try {
            // ZMQ.proxy would do this but pass every message: this loop exists to check each
            // message's topic against its sender's service before passing it (SPEC, Internal
            // surfaces), which ZMQ.proxy has no hook for (a capture socket sees messages only
            // after they are sent on). XPUB to XSUB (subscriptions) passes unchanged. A failed turn
            // is logged and the loop goes on, so one bad poll or receive never leaves the gateway
            // without its bus; readiness reports it only when turns fail one after another.
            // Ends on PROXY_TERMINATE (close() sends it) or when the context is terminated.
            while (true) {
                try {
                    poller.poll(500);
                    if (poller.pollin(2) && terminated(control)) {
                        break;
                    }
                    if (poller.pollin(0)) {
                        passPublications(xsub.base(), xpub.base());
                    }
                    if (poller.pollin(1)) {
                        passSubscriptions(xpub.base(), xsub.base());
                    }
                    failingTurns = 0;
                } catch (ZMQException | ZError.IOException e) {
                    if (!running || context.isClosed() || (e instanceof ZMQException z && z.getErrorCode() == ZMQ.Error.ETERM.getCode())) {
                        break;
                    }
                    failedTurn(e);
                } catch (RuntimeException e) {
                    failedTurn(e);
                }
            }
        } finally {
            if (poller != null) {
                poller.close();
            }
            closeAll(xsub, xpub, control);
        }
    }

    private void failedTurn(RuntimeException e) {
        restarts++;
        failingTurns++;
        LOG.errorf("bus proxy loop failed (%s); going on (failure %d, %d in a row)", e, restarts, failingTurns);
        // A tenth of a second between attempts: an error that persists costs no CPU.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }

    private static boolean terminated(ZMQ.Socket control) {
        byte[] command = control.recv(ZMQ.DONTWAIT);
        return Arrays.equals(command, ZMQ.PROXY_TERMINATE);
    }

    /**
     * Moves whole messages from the publishers to this gateway's subscriber: each only if its
     * sender's service may publish its topic and it is [topic][payload]; a refused one is dropped
     * whole (its frames are read, so the next message starts clean), counted and warned about.
     */
    private void passPublications(SocketBase xsub, SocketBase xpub) {
        List<Msg> frames = new ArrayList<>(2);
        for (int i = 0; i < BATCH; i++) {
            Msg first = xsub.recv(ZMQ.DONTWAIT);
            if (first == null) {
                throwUnlessAgain(xsub);
                return;
            }
            frames.clear();
            frames.add(first);
            // A message's frames arrive together (ZeroMQ delivers multipart atomically).
            for (Msg last = first; last.hasMore(); ) {
                last = xsub.recv(0);
                if (last == null) {
                    throwUnlessAgain(xsub);
                    return;
                }
                frames.add(last);
            }
            String topic = new String(first.data(), StandardCharsets.UTF_8);
            String service = sender(first);
            if (!Topics.mayPublish(service, topic)) {
                refuse("topic", "bus: refused a message on " + printable(topic) + " from " + service
                        + ": that key may not publish there");
            } else if (frames.size() != 2) {
                refuse("frames", "bus: refused a message of " + frames.size() + " frames on " + printable(topic)
                        + " from " + service + ": a bus message is [topic][payload]");
            } else {
                xpub.send(frames.get(0), ZMQ.SNDMORE);
                xpub.send(frames.get(1), 0);
                meter.passed(kind(topic));
            }
        }
    }

    private static void passSubscriptions(SocketBase xpub, SocketBase xsub) {
        for (int i = 0; i < BATCH; i++) {
            Msg subscription = xpub.recv(ZMQ.DONTWAIT);
            if (subscription == null) {
                throwUnlessAgain(xpub);
                return;
            }
            xsub.send(subscription, subscription.hasMore() ? ZMQ.SNDMORE : 0);
        }
    }

    private static void throwUnlessAgain(SocketBase socket) {
        int errno = socket.errno();
        if (errno != ZError.EAGAIN) {
            throw new ZMQException(errno);
        }
    }

    /** The ZAP user id ZeroMQ put on the message: the service of the key that sent it. */
    private static String sender(Msg message) {
        Metadata metadata = message.getMetadata();
        return metadata == null ? null : metadata.get(Metadata.USER_ID);
    }

    private void refuse(String reason, String warning) {
        meter.refused(reason);
        refusals.warn(warning);
    }

    private static String kind(String topic) {
        int slash = topic.indexOf('/');
        return slash < 0 ? topic : topic.substring(0, slash);
    }

    /** A topic for a log line: short, and nothing a peer sent can forge a line break with. */
    private static String printable(String topic) {
        String cut = topic.length() > 80 ? topic.substring(0, 80) + "…" : topic;
        return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
    }

    private void runSubscriber(Consumer<BusMessage> subscriber, String... topics) {
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        try {
            socket.setMaxMsgSize(BusMessage.MAX_FRAME_BYTES);
            socket.setRcvHWM(100_000);
            for (String topic : topics) {
                socket.subscribe(topic.getBytes(ZMQ.CHARSET));
            }
            socket.connect(LOCAL_XPUB);
            // Wakes up twice a second to notice shutdown; a socket must be closed by its own thread.
            socket.setReceiveTimeOut(500);
            while (running) {
                ZMsg frames = ZMsg.recvMsg(socket);
                if (frames == null) {
                    continue;
                }
                BusMessage message = BusMessage.from(frames);
                if (message == null) {
                    meter.refused("frames");
                    malformed.warn("bus: dropped a message that is not [topic][payload]");
                    continue;
                }
                try {
                    subscriber.accept(message);
                } catch (RuntimeException e) {
                    // Nothing was handed on: the follower's position stays, and it reads this
                    // position from the log when the next message or its catch-up shows the gap.
                    meter.refused("payload");
                    malformed.warn("bus: dropped a message on " + printable(message.topic()) + " (" + e.getMessage()
                            + "); the log followers read its position from the log");
                }
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                LOG.error("bus subscriber stopped", e);
            }
        } catch (RuntimeException e) {
            LOG.error("bus subscriber stopped", e);
        } finally {
            socket.close();
        }
    }

    @Override
    public void close() {
        running = false;
        join(fanout);
        // PROXY_TERMINATE over the control socket ends the proxy loop at once on its own thread.
        try (ZMQ.Socket controller = context.createSocket(SocketType.PAIR)) {
            controller.setMaxMsgSize(BusMessage.MAX_FRAME_BYTES);
            // A PAIR with no peer (the loop already gone) would wait for ever to send.
            controller.setSendTimeOut(1000);
            controller.setLinger(0);
            controller.connect(CONTROL);
            controller.send(ZMQ.PROXY_TERMINATE);
        }
        join(proxy);
        authenticator.close();
        context.close();
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(ZMQ.Socket... sockets) {
        for (ZMQ.Socket socket : sockets) {
            socket.close();
        }
    }
}
