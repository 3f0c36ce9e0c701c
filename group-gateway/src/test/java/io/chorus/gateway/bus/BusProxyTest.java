package io.chorus.gateway.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chorus.common.bus.BusKeys;
import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.BusPublisher.Heartbeat;
import io.chorus.common.bus.CurveKeyPair;
import io.chorus.common.bus.Topics;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The proxy on real sockets: an admitted publisher's messages reach the subscriber and are counted
 * by kind; sockets without CURVE or with an unknown key reach nothing, and hammering the proxy
 * with them neither stops it nor keeps an admitted publisher out. Keys computed from secret keys
 * alone handshake like generated pairs, and heartbeats drop a connection whose peer fell silent.
 */
class BusProxyTest {

    private final CurveKeyPair server = CurveKeyPair.generate();
    private final CurveKeyPair publisher = CurveKeyPair.generate();
    private final LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
    private final Map<String, AtomicLong> counted = new ConcurrentHashMap<>();

    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final BusMeter meter = new BusMeter() {
        @Override
        public void passed(String kind) {
            counted.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        @Override
        public void refused(String reason) {
            refused.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        }
    };

    private BusProxy proxy() {
        return new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE),
                meter, received::add, "group/");
    }

    @Test
    void anAdmittedPublisherIsDeliveredAndCounted() throws Exception {
        try (BusProxy proxy = proxy();
             BusPublisher admitted = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher)) {
            BusMessage message = publishUntilReceived(admitted, new BusMessage("group/room", "{\"text\":\"héllo ✓\"}"));
            assertEquals("{\"text\":\"héllo ✓\"}", message.payload(), "UTF-8 survives the bus");
            await().atMost(Duration.ofSeconds(5)).until(() -> counted.containsKey("group"));
            assertTrue(proxy.isRunning());
        }
    }

    @Test
    void socketsWithoutAnAdmittedKeyReachNothingAndDoNotStopTheProxy() throws Exception {
        try (BusProxy proxy = proxy(); ZContext context = new ZContext(1)) {
            ZMQ.Socket plain = context.createSocket(SocketType.PUB);
            plain.connect(endpoint(proxy));
            ZMQ.Socket unknown = context.createSocket(SocketType.PUB);
            CurveKeyPair own = CurveKeyPair.generate();
            unknown.setCurveServerKey(CurveKeyPair.decode(server.publicKey(), "server key"));
            unknown.setCurvePublicKey(CurveKeyPair.decode(own.publicKey(), "public key"));
            unknown.setCurveSecretKey(CurveKeyPair.decode(own.secretKey(), "secret key"));
            unknown.connect(endpoint(proxy));
            ZMQ.Socket reader = context.createSocket(SocketType.SUB);
            reader.subscribe(new byte[0]);
            reader.setReceiveTimeOut(50);
            reader.connect(endpoint(proxy));

            // Two seconds of forgeries: far past any handshake, so a refusal is a refusal.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until) {
                for (ZMQ.Socket forger : List.of(plain, unknown)) {
                    forger.sendMore("group/room");
                    forger.send("{\"text\":\"forged\"}", ZMQ.DONTWAIT);
                }
                assertNull(reader.recv(0), "a socket read from the bus's publishing side");
            }
            assertNull(received.poll(), "a forged message reached the subscriber");
            assertTrue(proxy.isRunning(), "the proxy survives the forgeries");

            // The forgers are still connecting: an admitted publisher gets through all the same.
            try (BusPublisher admitted = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher)) {
                assertEquals("{}", publishUntilReceived(admitted, new BusMessage("group/room", "{}")).payload());
            }
        }
    }

    /**
     * One TCP connection sends a ZMTP 3.0 greeting for CURVE and then the header of a frame of
     * 2 GiB less 16 bytes (the size an attack used: the largest JeroMQ would try to allocate), and
     * nothing more. The proxy refuses the frame by its header and closes that connection; the bus
     * stays live for an admitted publisher already connected, within a second.
     */
    @Test
    // Without the bound the I/O thread dies and closing the proxy would wait for it for ever: fail, don't hang.
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFrameAnnouncedPastTheLimitClosesItsConnectionAndTheBusStaysLive() throws Exception {
        try (BusProxy proxy = proxy();
             BusPublisher admitted = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher)) {
            publishUntilReceived(admitted, new BusMessage("group/room", "{\"before\":true}"));
            try (Socket attacker = new Socket("127.0.0.1", proxy.xsubPort())) {
                attacker.setSoTimeout(10_000);
                OutputStream out = attacker.getOutputStream();
                out.write(greeting("CURVE"));
                ByteBuffer header = ByteBuffer.allocate(9).put((byte) 0x02).putLong(Integer.MAX_VALUE - 15);
                out.write(header.array());
                out.flush();
                // The proxy's greeting comes back, then the end of the stream: the connection is closed.
                InputStream in = attacker.getInputStream();
                byte[] buffer = new byte[256];
                int read;
                do {
                    read = in.read(buffer);
                } while (read > 0);
                assertEquals(-1, read, "the proxy closed the connection that announced an oversized frame");
            }
            received.clear();
            admitted.publish(new BusMessage("group/room", "{\"after\":true}"));
            BusMessage after = received.poll(1, TimeUnit.SECONDS);
            assertEquals("{\"after\":true}", after == null ? null : after.payload(), "the bus delivers within a second");
            assertTrue(proxy.isRunning(), "the proxy is running: " + proxy.failure());
        }
    }

    /**
     * Each key publishes only its own service's topics: dm-service's key cannot forge a join, nor
     * history-service's a DM. The refused messages are dropped whole and counted; the allowed one
     * each sends right after them, on the same connection and so after them in order, arrives.
     */
    @Test
    void aKeyCannotPublishAnotherServicesTopics() throws Exception {
        CurveKeyPair dmPublisher = CurveKeyPair.generate();
        try (BusProxy proxy = new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE,
                     dmPublisher.publicKey(), Topics.DM_SERVICE), meter, received::add, "group/", "membership/", "dm/", "typing/");
             BusPublisher history = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher);
             BusPublisher dms = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), dmPublisher)) {
            publishUntilReceived(history, new BusMessage("group/room", "{}"));
            publishUntilReceived(dms, new BusMessage("dm/bob", "{}"));
            received.clear();

            dms.publish(new BusMessage("membership/room", "{\"forged\":\"join\"}"));
            dms.publish(new BusMessage("dm/bob", "{\"allowed\":\"dm\"}"));
            history.publish(new BusMessage("dm/bob", "{\"forged\":\"dm\"}"));
            history.publish(new BusMessage("typing/room", "{\"allowed\":\"typing\"}"));
            List<BusMessage> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                received.drainTo(got);
                return got.stream().filter(message -> message.payload().contains("allowed")).count() == 2;
            });
            received.drainTo(got);
            assertEquals(List.of(), got.stream().filter(message -> message.payload().contains("forged")).toList(),
                    "a message on another service's topic reached the subscriber");
            assertEquals(2, refused.get("topic").get());
            assertTrue(proxy.isRunning());
        }
    }

    /** A key given without a service (the old, undifferentiated list) connects but publishes nothing. */
    @Test
    void aKeyOfNoServicePublishesNothing() throws Exception {
        try (BusProxy proxy = new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(publisher.publicKey(), BusKeys.NO_SERVICE),
                     meter, received::add, "group/");
             BusPublisher unassigned = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher)) {
            // Past any handshake stall: refusals are counted once its messages arrive.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!refused.containsKey("topic") && System.nanoTime() < until) {
                unassigned.publish(new BusMessage("group/room", "{}"));
                assertNull(received.poll(100, TimeUnit.MILLISECONDS), "a key of no service published");
            }
            assertTrue(refused.containsKey("topic"), "nothing from the publisher arrived at the proxy");
            assertNull(received.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    /** A subscriber that cannot read a payload costs that message only: counted, and the next one arrives. */
    @Test
    void aPayloadTheSubscriberCannotReadIsDroppedAndCounted() throws Exception {
        try (BusProxy proxy = new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE),
                     meter, message -> {
                         if (message.payload().startsWith("garbled")) {
                             throw new IllegalArgumentException("malformed GroupMessage on the bus");
                         }
                         received.add(message);
                     }, "group/");
             BusPublisher admitted = new BusPublisher(List.of(endpoint(proxy)), 100, server.publicKey(), publisher)) {
            publishUntilReceived(admitted, new BusMessage("group/room", "{}"));
            for (int i = 0; i < 50; i++) {
                admitted.publish(new BusMessage("group/room", "garbled " + i));
            }
            admitted.publish(new BusMessage("group/room", "{\"after\":true}"));
            BusMessage after = received.poll(5, TimeUnit.SECONDS);
            assertEquals("{\"after\":true}", after == null ? null : after.payload());
            assertEquals(50, refused.get("payload").get());
            assertTrue(proxy.isRunning());
        }
    }

    /** The 64-byte ZMTP 3.0 greeting of a client (RFC 23: signature, version, mechanism, as-server, filler). */
    private static byte[] greeting(String mechanism) {
        ByteBuffer greeting = ByteBuffer.allocate(64);
        greeting.put((byte) 0xFF).put(new byte[8]).put((byte) 0x7F);
        greeting.put((byte) 3).put((byte) 0);
        byte[] name = mechanism.getBytes(StandardCharsets.US_ASCII);
        greeting.put(name).put(new byte[20 - name.length]);
        greeting.put((byte) 0);
        return greeting.array();
    }

    /**
     * Configured as a Helm chart does it: secret keys only, 40 random alphanumerics each; every
     * public key is computed, on both sides, and the CURVE handshake succeeds with them.
     */
    @Test
    void admitsAPublisherConfiguredWithSecretKeysAlone() throws Exception {
        String serverSecret = alphanumerics();
        String publisherSecret = alphanumerics();
        SmallRyeConfig gateway = config(Map.of(BusKeys.PROXY_SECRET_KEY, serverSecret,
                BusKeys.ALLOWED_SECRET_KEYS + ".history-service", alphanumerics() + "," + publisherSecret));
        SmallRyeConfig history = config(Map.of(BusKeys.SERVER_SECRET_KEY, serverSecret, BusKeys.SECRET_KEY, publisherSecret));
        try (BusProxy proxy = new BusProxy("127.0.0.1", 0, BusKeys.require(gateway, BusKeys.PROXY_SECRET_KEY),
                BusKeys.admittedPublishers(gateway), BusMeter.NONE, received::add, "group/");
             BusPublisher admitted = new BusPublisher(List.of(endpoint(proxy)), 100, BusKeys.serverPublicKey(history),
                     BusKeys.publisherKeys(history))) {
            assertEquals("{}", publishUntilReceived(admitted, new BusMessage("group/room", "{}")).payload());
        }
    }

    /** The proxy's heartbeat notices a publisher that went silent (it sends none itself). */
    @Test
    void dropsAPublisherConnectionThatFellSilent() throws Exception {
        inSomeOfThreeTries(this::proxyDropsASilentPublisher);
    }

    private void proxyDropsASilentPublisher() throws Exception {
        received.clear();
        Heartbeat quick = new Heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1));
        try (BusProxy proxy = new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE),
                     quick, BusMeter.NONE, received::add, "group/");
             SilentLink link = new SilentLink(proxy.xsubPort());
             ZContext context = new ZContext(1)) {
            ZMQ.Socket plain = context.createSocket(SocketType.PUB);
            // JeroMQ 0.6.0 leaves about one fresh CURVE connection in ten TCP-connected but never
            // handshaken; a short handshake timer reconnects it, as BusPublisher's does.
            plain.setHandshakeIvl(1000);
            plain.setCurveServerKey(CurveKeyPair.decode(server.publicKey(), "server key"));
            plain.setCurvePublicKey(CurveKeyPair.decode(publisher.publicKey(), "public key"));
            plain.setCurveSecretKey(CurveKeyPair.decode(publisher.secretKey(), "secret key"));
            plain.connect(link.endpoint());
            BusMessage got = null;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (got == null && System.nanoTime() < until) {
                plain.sendMore("group/room");
                plain.send("{}");
                got = received.poll(100, TimeUnit.MILLISECONDS);
            }
            assertEquals("{}", got == null ? null : got.payload(), "nothing passed the link before it fell silent");
            link.silence();
            assertClosedWithin(link.listeningSideClosed, "the proxy kept a silent publisher's connection");
        }
    }

    /** The publisher's heartbeat notices a proxy that went silent (the sink sends none itself). */
    @Test
    void aPublisherDropsAConnectionToAProxyThatFellSilent() throws Exception {
        inSomeOfThreeTries(this::publisherDropsASilentProxy);
    }

    private void publisherDropsASilentProxy() throws Exception {
        Heartbeat quick = new Heartbeat(Duration.ofMillis(200), Duration.ofSeconds(1));
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket sink = context.createSocket(SocketType.SUB);
            sink.setCurveServer(true);
            sink.setCurveSecretKey(CurveKeyPair.decode(server.secretKey(), "server secret key"));
            sink.subscribe(new byte[0]);
            sink.setReceiveTimeOut(100);
            int port = sink.bindToRandomPort("tcp://127.0.0.1");
            try (SilentLink link = new SilentLink(port);
                 BusPublisher silentOnesPublisher = new BusPublisher(List.of(link.endpoint()), 100, server.publicKey(), publisher,
                         Duration.ofSeconds(5), quick, BusPublisher.Resolver.SYSTEM)) {
                byte[] topic = null;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (topic == null && System.nanoTime() < until) {
                    silentOnesPublisher.publish(new BusMessage("group/room", "{}"));
                    topic = sink.recv(0);
                }
                assertTrue(topic != null, "nothing passed the link before it fell silent");
                link.silence();
                assertClosedWithin(link.connectingSideClosed, "the publisher kept a silent proxy's connection");
            }
        }
    }

    /**
     * JeroMQ 0.6.0 stalls about one fresh CURVE handshake in ten, and a stalled connection's other
     * end can outlive the heartbeat that is measured here. So a scenario gets three tries, each with
     * new sockets; without heartbeats every try fails.
     */
    private interface Scenario {
        void run() throws Exception;
    }

    private static void inSomeOfThreeTries(Scenario scenario) throws Exception {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                scenario.run();
                return;
            } catch (AssertionError e) {
                last = e;
            }
        }
        throw last;
    }

    /** Well past the 1 s timeout; without heartbeats TCP would keep the connection for many minutes. */
    private static void assertClosedWithin(CountDownLatch closed, String otherwise) throws InterruptedException {
        assertTrue(closed.await(10, TimeUnit.SECONDS), otherwise);
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    private static String alphanumerics() {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom random = new SecureRandom();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            key.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return key.toString();
    }

    @Test
    void refusesToStartWithoutKeysItCanUse() {
        assertThrows(IllegalArgumentException.class, () -> new BusProxy("127.0.0.1", 0, "not a key",
                Map.of(publisher.publicKey(), Topics.HISTORY_SERVICE), BusMeter.NONE, received::add, "group/"));
        assertThrows(IllegalArgumentException.class, () -> new BusProxy("127.0.0.1", 0, server.secretKey(), Map.of(),
                BusMeter.NONE, received::add, "group/"));
    }

    /**
     * A PUB socket drops what it sends before its handshake completes: resend until one arrives
     * (another publisher's late copies are skipped).
     */
    private BusMessage publishUntilReceived(BusPublisher admitted, BusMessage message) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            admitted.publish(message);
            BusMessage got = received.poll(100, TimeUnit.MILLISECONDS);
            if (message.equals(got)) {
                return got;
            }
        }
        throw new AssertionError("nothing from the admitted publisher arrived in 10 s");
    }

    private static String endpoint(BusProxy proxy) {
        return "tcp://127.0.0.1:" + proxy.xsubPort();
    }
}
