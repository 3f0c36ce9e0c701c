package io.chorus.common.bus;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

class BusPublisherTest {

    private static final CurveKeyPair SERVER = CurveKeyPair.generate();
    private static final CurveKeyPair PUBLISHER = CurveKeyPair.generate();

    @Test
    void keepsPublishingWhenOneEndpointDoesNotResolveYet() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket sink = sink(context, 200);
            int port = sink.bindToRandomPort("tcp://127.0.0.1");
            String unresolvable = "tcp://no-such-gateway.invalid:5557";
            try (BusPublisher publisher = new BusPublisher(List.of(unresolvable, "tcp://127.0.0.1:" + port), 100,
                    SERVER.publicKey(), PUBLISHER)) {
                // PUB/SUB drops until the connection is up (ZeroMQ's slow joiner): publish until one arrives.
                byte[] topic = null;
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (topic == null && System.nanoTime() < deadline) {
                    publisher.publish(new BusMessage("group/g", "{\"id\":1}"));
                    topic = sink.recv(0);
                }
                assertEquals("group/g", topic == null ? null : new String(topic, StandardCharsets.UTF_8));
                assertEquals("{\"id\":1}", sink.recvStr(0));
                assertTrue(publisher.isConnected());
                assertEquals(java.util.Set.of(unresolvable), publisher.unresolved());
            }
        }
    }

    /**
     * Without a short handshake timer, about one fresh connection in thirty-five stays silent for
     * 30 s (see {@link BusPublisher#HANDSHAKE_TIMEOUT_MS}); among 200 fresh publishers at least one
     * does in all but about one run in 250.
     */
    @Test
    void everyFreshConnectionCarriesMessagesWithinSeconds() {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket sink = sink(context, 10);
            int port = sink.bindToRandomPort("tcp://127.0.0.1");
            for (int connection = 0; connection < 200; connection++) {
                try (BusPublisher publisher = new BusPublisher(List.of("tcp://127.0.0.1:" + port), 100,
                        SERVER.publicKey(), PUBLISHER)) {
                    String expected = "{\"connection\":" + connection + "}";
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    boolean arrived = false;
                    while (!arrived && System.nanoTime() < deadline) {
                        publisher.publish(new BusMessage("group/g", expected));
                        byte[] topic = sink.recv(0);
                        // Drains what earlier publishers' lingering sends left behind.
                        arrived = topic != null && expected.equals(sink.recvStr(0));
                    }
                    assertTrue(arrived, "connection " + connection + " carried nothing for 5 s");
                }
            }
        }
    }

    /**
     * One name, the gateways' headless Service, whose addresses change under a running publisher:
     * two sinks on loopback addresses 127.0.0.2 and .3, the same port, stand for two gateway pods.
     */
    @Test
    void followsTheAddressesOfANameAsTheyChange() throws Exception {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket first = sink(context, 50);
            int port = first.bindToRandomPort("tcp://127.0.0.2");
            ZMQ.Socket second = sink(context, 50);
            second.bind("tcp://127.0.0.3:" + port);
            String endpoint = "tcp://gateways.test:" + port;
            AtomicReference<List<InetAddress>> answer = new AtomicReference<>(addresses("127.0.0.2"));
            try (BusPublisher publisher = new BusPublisher(List.of(endpoint), 1000, SERVER.publicKey(), PUBLISHER,
                    Duration.ofMillis(50), BusPublisher.Heartbeat.DEFAULT, host -> lookup(host, answer))) {
                publishUntilReceived(publisher, first, "one");
                assertEquals(Set.of("tcp://127.0.0.2:" + port), publisher.addresses());
                assertEquals(Set.of(), publisher.unresolved());

                // A second gateway scales out: connected without a restart.
                answer.set(addresses("127.0.0.2", "127.0.0.3"));
                await().atMost(Duration.ofSeconds(10)).until(() -> publisher.addresses().size() == 2);
                publishUntilReceived(publisher, second, "two");

                // The first one goes: disconnected, so it gets nothing published from then on.
                answer.set(addresses("127.0.0.3"));
                await().atMost(Duration.ofSeconds(10)).until(() -> publisher.addresses().equals(Set.of("tcp://127.0.0.3:" + port)));
                publishUntilReceived(publisher, second, "three");
                List<String> toTheGoneOne = drain(first);
                assertFalse(toTheGoneOne.contains("three"), "published to a gateway no longer in DNS: " + toTheGoneOne);
            }
        }
    }

    @Test
    void keepsTheLastAddressesWhileLookupsFail() throws Exception {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket sink = sink(context, 50);
            int port = sink.bindToRandomPort("tcp://127.0.0.2");
            String endpoint = "tcp://gateways.test:" + port;
            AtomicReference<List<InetAddress>> answer = new AtomicReference<>(addresses("127.0.0.2"));
            try (BusPublisher publisher = new BusPublisher(List.of(endpoint), 1000, SERVER.publicKey(), PUBLISHER,
                    Duration.ofMillis(50), BusPublisher.Heartbeat.DEFAULT, host -> lookup(host, answer))) {
                publishUntilReceived(publisher, sink, "before");
                // DNS unreachable for a while: a blip, not a reason to drop the gateways.
                answer.set(null);
                await().atMost(Duration.ofSeconds(10)).until(() -> publisher.unresolved().contains(endpoint));
                assertEquals(Set.of("tcp://127.0.0.2:" + port), publisher.addresses());
                drain(sink);
                publishUntilReceived(publisher, sink, "during");
                answer.set(addresses("127.0.0.2"));
                await().atMost(Duration.ofSeconds(10)).until(() -> publisher.unresolved().isEmpty());
            }
        }
    }

    private static List<InetAddress> lookup(String host, AtomicReference<List<InetAddress>> answer) throws UnknownHostException {
        List<InetAddress> now = answer.get();
        if (!host.equals("gateways.test") || now == null) {
            throw new UnknownHostException(host);
        }
        return now;
    }

    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(InetAddress.getByName(literal));
        }
        return addresses;
    }

    /** Publishes a payload until the sink has it (a fresh connection drops what precedes its handshake). */
    private static void publishUntilReceived(BusPublisher publisher, ZMQ.Socket sink, String payload) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            publisher.publish(new BusMessage("group/g", payload));
            byte[] topic = sink.recv(0);
            if (topic != null && payload.equals(sink.recvStr(0))) {
                return;
            }
        }
        throw new AssertionError("\"" + payload + "\" did not arrive in 10 s");
    }

    /** Everything a sink has received and not read yet (its receive timeout ends the reading). */
    private static List<String> drain(ZMQ.Socket sink) {
        List<String> payloads = new ArrayList<>();
        while (sink.recv(0) != null) {
            payloads.add(sink.recvStr(0));
        }
        return payloads;
    }

    /**
     * A SUB socket taking every topic, as a gateway's proxy would, with a receive timeout; a CURVE
     * server like the proxy (with no ZAP handler, so it admits any client key).
     */
    private static ZMQ.Socket sink(ZContext context, int receiveTimeoutMillis) {
        ZMQ.Socket sink = context.createSocket(SocketType.SUB);
        sink.setCurveServer(true);
        sink.setCurveSecretKey(ZMQ.Curve.z85Decode(SERVER.secretKey()));
        sink.subscribe(new byte[0]);
        sink.setReceiveTimeOut(receiveTimeoutMillis);
        return sink;
    }
}
