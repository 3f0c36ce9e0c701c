package io.chorus.gateway.bus;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher.Heartbeat;
import io.chorus.common.bus.CurveKeyPair;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;
import org.jboss.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZAuth;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import org.zeromq.ZMsg;

/**
 * The bus: a ZeroMQ XSUB/XPUB proxy. Services publish to XSUB, the one socket on the network: a
 * CURVE server that admits only the publishers' public keys it is configured with (the ZAP
 * handler below), so a forged message never reaches a stream. The XPUB side is bound in-process
 * only: this gateway is its one subscriber, and nothing outside needs to read the bus. This class
 * is the one owner of the ZContext; each socket is made, used and closed on its own named thread:
 * "zmq-proxy" runs ZMQ.proxy, "zmq-capture" counts what passes (the capture socket is where bus
 * metrics come from), "zmq-fanout" is this gateway's own subscriber.
 */
public class BusProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BusProxy.class);
    private static final String LOCAL_XPUB = "inproc://bus-xpub";
    private static final String CAPTURE = "inproc://bus-capture";
    private static final String CONTROL = "inproc://bus-control";
    private static final String ZAP_DOMAIN = "chorus-bus";

    private final ZContext context = new ZContext(1);
    private final ZAuth authenticator;
    private final CountDownLatch bound = new CountDownLatch(1);
    private final Thread proxy;
    private final Thread capture;
    private final Thread fanout;
    private volatile boolean running = true;
    private volatile Exception bindFailure;
    private volatile int boundXsubPort;
    /** How often ZMQ.proxy failed and was run again (logged each time). */
    private volatile int restarts;

    /**
     * @param serverSecretKey the proxy's CURVE secret key (Z85); publishers know its public half
     * @param allowedKeys the publishers' public keys (Z85): the only ones the proxy admits
     * @param counter called on "zmq-capture" with each message's kind (topic up to '/') and 1
     * @param subscriber called on "zmq-fanout" with every message this gateway subscribed to
     */
    public BusProxy(String bindAddress, int xsubPort, String serverSecretKey, Set<String> allowedKeys,
                    ObjLongConsumer<String> counter, Consumer<BusMessage> subscriber, String... topics) {
        this(bindAddress, xsubPort, serverSecretKey, allowedKeys, Heartbeat.DEFAULT, counter, subscriber, topics);
    }

    /**
     * @param heartbeat ZMTP heartbeats on the publishers' connections: one whose publisher died
     *                  without closing it is dropped within the timeout, not kept for TCP's minutes
     */
    public BusProxy(String bindAddress, int xsubPort, String serverSecretKey, Set<String> allowedKeys, Heartbeat heartbeat,
                    ObjLongConsumer<String> counter, Consumer<BusMessage> subscriber, String... topics) {
        byte[] secret = CurveKeyPair.decode(serverSecretKey, "server secret key");
        allowedKeys.forEach(key -> CurveKeyPair.decode(key, "allowed publisher key"));
        Set<String> admitted = Set.copyOf(allowedKeys.stream().map(String::strip).toList());
        if (admitted.isEmpty()) {
            throw new IllegalArgumentException("the bus proxy needs the public keys of the publishers it admits");
        }
        // The ZAP handler must be listening before the first publisher's handshake arrives.
        authenticator = new ZAuth(context, "zmq-zap", Map.of("CURVE", new AdmittedKeys(admitted)));
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
        capture = new Thread(() -> runCapture(counter), "zmq-capture");
        capture.start();
        fanout = new Thread(() -> runSubscriber(subscriber, topics), "zmq-fanout");
        fanout.start();
        LOG.infof("bus proxy: publish to tcp://%s:%d (CURVE, %d publisher keys admitted)",
                bindAddress, boundXsubPort, admitted.size());
    }

    /** Admits a CURVE client only for a public key on the list; everyone else gets no connection. */
    private record AdmittedKeys(Set<String> keys) implements ZAuth.Auth {

        @Override
        public boolean configure(ZMsg configuration, boolean verbose) {
            return true;
        }

        @Override
        public boolean authorize(ZAuth.ZapRequest request, boolean verbose) {
            boolean admitted = request.clientKey != null && keys.contains(request.clientKey);
            if (!admitted) {
                LOG.debugf("bus: refused a publisher from %s with an unknown key", request.address);
            }
            return admitted;
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

    public boolean isRunning() {
        return running && proxy.isAlive() && fanout.isAlive();
    }

    private void runProxy(String bindAddress, int xsubPort, byte[] serverSecretKey, Heartbeat heartbeat) {
        ZMQ.Socket xsub = context.createSocket(SocketType.XSUB);
        ZMQ.Socket xpub = context.createSocket(SocketType.XPUB);
        ZMQ.Socket captureOut = context.createSocket(SocketType.PUB);
        ZMQ.Socket control = context.createSocket(SocketType.PAIR);
        try {
            xsub.setRcvHWM(100_000);
            xpub.setSndHWM(100_000);
            heartbeat.applyTo(xsub);
            xsub.setZAPDomain(ZAP_DOMAIN);
            xsub.setCurveServer(true);
            xsub.setCurveSecretKey(serverSecretKey);
            // Port 0 picks a free port (tests); the real one is logged and readable.
            boundXsubPort = bind(xsub, bindAddress, xsubPort);
            xpub.bind(LOCAL_XPUB);
            captureOut.bind(CAPTURE);
            control.bind(CONTROL);
        } catch (ZMQException e) {
            bindFailure = e;
            bound.countDown();
            closeAll(xsub, xpub, captureOut, control);
            return;
        }
        bound.countDown();
        try {
            // ZMQ.proxy returns only when told to terminate, or with false on an error; then it
            // runs again on the same sockets, so one failed poll or receive never leaves the
            // gateway without its bus. The thread stays alive throughout (readiness stays up);
            // what the bus drops meanwhile, the log followers fill from the logs.
            while (running) {
                if (ZMQ.proxy(xsub, xpub, captureOut, control) || !running) {
                    break;
                }
                int errno = xsub.errno();
                if (errno == ZMQ.Error.ETERM.getCode()) {
                    break;
                }
                restarts++;
                LOG.errorf("bus proxy stopped with ZeroMQ error %d; running it again (restart %d)", errno, restarts);
                // A tenth of a second between attempts: an error that persists costs no CPU.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                LOG.error("bus proxy stopped", e);
            }
        } catch (RuntimeException e) {
            LOG.error("bus proxy stopped", e);
        } finally {
            closeAll(xsub, xpub, captureOut, control);
        }
    }

    private void runCapture(ObjLongConsumer<String> counter) {
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        try {
            socket.subscribe(new byte[0]);
            socket.connect(CAPTURE);
            socket.setReceiveTimeOut(500);
            while (running) {
                ZMsg frames = ZMsg.recvMsg(socket);
                BusMessage message = BusMessage.from(frames);
                if (message != null) {
                    int slash = message.topic().indexOf('/');
                    counter.accept(slash < 0 ? message.topic() : message.topic().substring(0, slash), 1);
                }
            }
        } catch (ZMQException e) {
            // ETERM at shutdown.
        } finally {
            socket.close();
        }
    }

    private void runSubscriber(Consumer<BusMessage> subscriber, String... topics) {
        ZMQ.Socket socket = context.createSocket(SocketType.SUB);
        try {
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
                    LOG.debug("dropped a malformed bus message");
                    continue;
                }
                try {
                    subscriber.accept(message);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "could not handle bus message on %s", message.topic());
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
        join(capture);
        // PROXY_TERMINATE over the control socket ends ZMQ.proxy cleanly on its own thread.
        try (ZMQ.Socket controller = context.createSocket(SocketType.PAIR)) {
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
