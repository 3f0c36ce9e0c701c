package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
