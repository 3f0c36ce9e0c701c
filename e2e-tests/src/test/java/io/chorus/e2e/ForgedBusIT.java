package io.chorus.e2e;

import static io.chorus.testing.InternalCalls.internal;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The bus admits only the publishers it has keys for (SPEC, Internal surfaces). A ZeroMQ socket
 * without CURVE, and one with CURVE but a key of its own making, publish well-formed group
 * messages, a membership change and a DM for a real group and its members: no stream shows
 * them, and the forged join makes no one a member. A socket with an admitted key doing the same
 * is seen at once, which is what makes the refusals mean something.
 */
class ForgedBusIT extends AgainstCluster {

    @Test
    void messagesFromUnknownSocketsReachNoStreamAndSubscribersGetNothing() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("forged");
        String mallory = Api.unique("mallory");
        String malloryToken = api.signUp(mallory);
        String bus = "tcp://127.0.0.1:" + cluster.busPort("group-gateway");
        try (SseClient groupStream = api.groupStream(duo.bob(), duo.group(), "");
             SseClient everything = api.everything(duo.bob(), "");
             ZContext context = new ZContext(1)) {
            ZMQ.Socket plain = context.createSocket(SocketType.PUB);
            plain.connect(bus);
            ZMQ.Socket unknownKey = context.createSocket(SocketType.PUB);
            ZMQ.Curve.KeyPair own = ZMQ.Curve.generateKeyPair();
            unknownKey.setCurveServerKey(ZMQ.Curve.z85Decode(cluster.secrets().busServer().publicKey()));
            unknownKey.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey));
            unknownKey.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey));
            unknownKey.connect(bus);
            ZMQ.Socket listener = context.createSocket(SocketType.SUB);
            listener.subscribe(new byte[0]);
            listener.setReceiveTimeOut(100);
            listener.connect(bus);

            // Three seconds of forgeries, each aimed at the next position of the log, as a real
            // message would be: far past any handshake or slow-joiner delay.
            long next = head() + 1;
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            int sent = 0;
            while (System.nanoTime() < until) {
                for (ZMQ.Socket forger : List.of(plain, unknownKey)) {
                    forge(forger, duo.group(), duo.aliceName(), mallory, duo.bobName(), next, "FORGED-" + sent);
                    sent++;
                }
                assertNull(listener.recv(0), "an unauthenticated subscriber received something from the bus");
            }

            api.post(duo.alice(), duo.group(), "real-after-forgery");
            SseClient.Event real = nextMessage(groupStream);
            assertEquals("group-message", real.event());
            assertTrue(real.data().contains("real-after-forgery"), real.data());
            SseClient.Event realEverywhere = nextMessage(everything);
            assertTrue(realEverywhere.data().contains("real-after-forgery"), realEverywhere.data());
            assertNull(listener.recv(0), "an unauthenticated subscriber received the real message");

            // The forged join changed nothing: mallory is still no member anywhere.
            given().auth().oauth2(malloryToken).get(api.gateway() + "/api/groups/" + duo.group() + "/messages")
                    .then().statusCode(403);
            List<String> members = given().auth().oauth2(duo.bob()).get(api.gateway() + "/api/groups/" + duo.group() + "/members")
                    .then().statusCode(200).extract().jsonPath().getList("members.name");
            assertFalse(members.toString().contains(mallory), members.toString());
            List<String> history = given().auth().oauth2(duo.bob()).get(api.gateway() + "/api/groups/" + duo.group() + "/messages")
                    .then().statusCode(200).extract().jsonPath().getList("messages.text");
            assertEquals(List.of("real-after-forgery"), history);
            System.out.printf("forged bus: %d forged messages from 2 unauthenticated sockets, none delivered%n", sent);

            // The control: the same forgery from a socket holding an admitted key does reach the stream.
            ZMQ.Socket admitted = context.createSocket(SocketType.PUB);
            admitted.setCurveServerKey(ZMQ.Curve.z85Decode(cluster.secrets().busServer().publicKey()));
            admitted.setCurvePublicKey(ZMQ.Curve.z85Decode(cluster.secrets().historyPublisher().publicKey()));
            admitted.setCurveSecretKey(ZMQ.Curve.z85Decode(cluster.secrets().historyPublisher().secretKey()));
            // As BusPublisher does: JeroMQ 0.6.0 leaves about one fresh CURVE connection in ten
            // connected but never handshaken; a short handshake timer makes it reconnect within
            // a second or two instead of after the 30 s default, longer than this loop waits.
            admitted.setHandshakeIvl(1000);
            admitted.connect(bus);
            long position = head() + 1;
            SseClient.Event seen = null;
            for (int attempt = 0; attempt < 100 && seen == null; attempt++) {
                forge(admitted, duo.group(), duo.aliceName(), mallory, duo.bobName(), position, "ADMITTED-" + attempt);
                seen = groupStream.poll(Duration.ofMillis(200));
            }
            SseClient.Event delivered = seen;
            assertTrue(seen != null && seen.data().contains("ADMITTED-"), () -> "an admitted key's message is delivered: "
                    + delivered + ServiceLogs.explain("group-gateway", api.gateway(), cluster.log("group-gateway")));
        }
    }

    private static SseClient.Event nextMessage(SseClient stream) throws InterruptedException {
        List<SseClient.Event> skipped = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SseClient.Event event = stream.next(Duration.ofSeconds(10));
            assertFalse(event.data().contains("FORGED"), "a forged message reached a stream: " + event);
            if (event.event().equals("group-message")) {
                return event;
            }
            skipped.add(event);
        }
        throw new AssertionError("no group message; got " + skipped);
    }

    private static long head() {
        return internal(cluster.secrets().internalCredential()).get(cluster.url("history-service") + "/internal/messages/head")
                .then().statusCode(200).extract().jsonPath().getLong("position");
    }

    /** A group message from alice, mallory joining, and a DM to bob: each as the services publish them. */
    private static void forge(ZMQ.Socket socket, String group, String alice, String mallory, String bob, long position,
                              String text) {
        String now = Instant.now().toString();
        String key = group.toLowerCase();
        send(socket, "group/" + key, "{\"id\":" + position + ",\"group\":\"" + group + "\",\"sender\":\"" + alice
                + "\",\"text\":\"" + text + "\",\"sentAt\":\"" + now + "\"}");
        send(socket, "membership/" + key, "{\"id\":" + (position + 1) + ",\"kind\":\"member-joined\",\"group\":\"" + group
                + "\",\"sender\":\"" + mallory + "\",\"text\":\"\",\"sentAt\":\"" + now + "\"}");
        send(socket, "dm/" + bob.toLowerCase(), "{\"id\":1,\"from\":\"" + alice + "\",\"to\":\"" + bob + "\",\"text\":\""
                + text + "\",\"sentAt\":\"" + now + "\"}");
    }

    private static void send(ZMQ.Socket socket, String topic, String payload) {
        socket.sendMore(topic.getBytes(StandardCharsets.UTF_8));
        socket.send(payload.getBytes(StandardCharsets.UTF_8), ZMQ.DONTWAIT);
    }
}
