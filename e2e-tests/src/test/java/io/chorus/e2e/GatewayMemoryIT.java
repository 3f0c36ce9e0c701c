package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the gateway's memory by clients that send or take too slowly, each followed by the
 * health probe. A member resumes many streams over a long history of the largest messages and
 * never reads: each resume's replay is read a page at a time as its connection drains, and all
 * the replays together hold at most the gateway's replay room, so the gateway stays up (before,
 * it died with an OutOfMemoryError and took every stream with it). Thousands of clients send
 * nearly all of a 64 KiB body and stall. docs/security.md lists the attacks.
 */
@AgainstCluster.PerUserLimitsOff
class GatewayMemoryIT extends AgainstCluster {

    private static final int MESSAGES = 1000;
    private static final int STREAMS = 24;
    /** 3,000 € are 9,000 bytes of UTF-8: about 9 MB of history in all. */
    private static final String LARGE = "€".repeat(3000);
    private static final int STALLED_BODIES = 3000;
    private static final byte[] ALMOST_ALL = "a".repeat(65536 - 100).getBytes(StandardCharsets.US_ASCII);

    @Test
    void resumesThatNeverReadOverALongHistoryOfLargeMessagesLeaveTheGatewayServing() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("unread");
        List<Long> ids = postLarge(duo);
        List<Socket> neverRead = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                // Each from a cursor of its own, so no two share a read of the log.
                neverRead.add(openWithoutReading(duo, ids.get(i) - 1));
            }
            Awaitility.await("every unread resume is replaying, or waiting for room").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> metric("chorus_stream_replay_pages") + metric("chorus_stream_replay_waiting") >= STREAMS);
            System.out.printf("unread replays: gateway heap used %.0f MiB of 256, %s replay pages held, %s waiting%n",
                    metric("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20), metric("chorus_stream_replay_pages"),
                    metric("chorus_stream_replay_waiting"));
            HealthProbe.assertServesOthers(cluster, api);
        } finally {
            for (Socket socket : neverRead) {
                socket.close();
            }
        }
        // A client that reads gets the whole history it missed, in order, page after page.
        try (SseClient reader = SseClient.connect(api.gateway() + "/api/groups/" + duo.group() + "/events", duo.bob(),
                Long.toString(ids.getFirst() - 1))) {
            List<SseClient.Event> replayed = reader.take(MESSAGES, Duration.ofSeconds(60));
            assertEquals(ids.stream().map(String::valueOf).toList(), replayed.stream().map(SseClient.Event::id).toList());
        }
    }

    @Test
    void thousandsOfStalledBodiesOfAlmost64KiBLeaveTheGatewayServing() throws Exception {
        Api.Duo duo = api.groupWithAliceAndBob("stalled");
        URI gateway = URI.create(api.gateway());
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED_BODIES; i++) {
                stalled.add(sendAlmostAllOfABody(gateway, duo, i % 2 == 0 ? duo.alice() : duo.bob()));
            }
            System.out.printf("stalled bodies: %d open, gateway heap used %.0f MiB of 256%n", stalled.size(),
                    metric("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20));
            // Past its share (16 of the largest bodies), each sender is refused at once, before a byte is held.
            assertTrue(statusLine(stalled.getLast()).startsWith("HTTP/1.1 429"), "a sender past its share gets 429");
            HealthProbe.assertServesOthers(cluster, api);
            // A body that never completes is answered 408 and its connection closed: its bytes are freed.
            assertTrue(statusLine(stalled.getFirst()).startsWith("HTTP/1.1 408"), "a stalled body times out");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        assertEquals(List.of(), given().auth().oauth2(duo.bob()).get(api.gateway() + "/api/groups/" + duo.group()
                        + "/messages").then().statusCode(200).extract().jsonPath().getList("messages"),
                "no stalled body became a post");
        // Their senders have their whole share back: the stalled bodies gave their bytes back as they ended.
        Awaitility.await("alice's share given back").atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> api.post(duo.alice(), duo.group(), "after the stall").getLong("id") > 0);
    }

    /** A post whose headers and all but 100 bytes of its 64 KiB body are sent, and then nothing. */
    private static Socket sendAlmostAllOfABody(URI gateway, Api.Duo duo, String token) throws IOException {
        Socket socket = new Socket();
        socket.connect(new java.net.InetSocketAddress(gateway.getHost(), gateway.getPort()), 5000);
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/groups/" + duo.group() + "/messages HTTP/1.1\r\nHost: " + gateway.getAuthority()
                + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json"
                + "\r\nContent-Length: 65536\r\n\r\n{\"text\":\"").getBytes(StandardCharsets.US_ASCII));
        out.write(ALMOST_ALL);
        out.flush();
        return socket;
    }

    /** The first line of the answer on the socket (waits for it, up to the socket's timeout). */
    private static String statusLine(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = socket.getInputStream().read()) != -1 && c != '\r') {
            line.append((char) c);
        }
        return line.toString();
    }

    /** Alice's large posts, from 16 posters at once (batched by the gateway); their ids in log order. */
    private List<Long> postLarge(Api.Duo duo) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"text\":\"" + LARGE + "\"}";
        List<Long> ids = new ArrayList<>();
        try (ExecutorService posters = Executors.newFixedThreadPool(16)) {
            List<Future<Long>> posts = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                posts.add(posters.submit(() -> {
                    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                                    URI.create(api.gateway() + "/api/groups/" + duo.group() + "/messages"))
                            .header("Authorization", "Bearer " + duo.alice()).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(201, posted.statusCode(), posted.body());
                    return io.restassured.path.json.JsonPath.from(posted.body()).getLong("id");
                }));
            }
            for (Future<Long> post : posts) {
                ids.add(post.get());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** A stream request from a client that never reads a byte of the answer. */
    private Socket openWithoutReading(Api.Duo duo, long lastEventId) throws IOException {
        URI gateway = URI.create(api.gateway());
        Socket socket = new Socket();
        // A small window: the gateway soon has nowhere to write but its own buffers.
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress(gateway.getHost(), gateway.getPort()), 5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /api/groups/" + duo.group() + "/events HTTP/1.1\r\nHost: " + gateway.getAuthority()
                + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + duo.bob()
                + "\r\nLast-Event-ID: " + lastEventId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The sum of a gateway metric's series whose labels include {@code label} (0 when it has none). */
    private static double metric(String name, String label) {
        String text = given().get(cluster.url("group-gateway") + "/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.lines().toList()) {
            String series = line.split("[{ ]", 2)[0];
            if (series.equals(name) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static double metric(String name) {
        return metric(name, "");
    }
}
