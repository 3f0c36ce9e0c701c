package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * A member resumes many streams over a long history of the largest messages and never reads:
 * each resume's replay is read a page at a time as its connection drains, and all the replays
 * together hold at most the gateway's replay room, so the gateway stays up (before, it died with
 * an OutOfMemoryError and took every stream with it). docs/security.md lists the attack.
 */
@AgainstCluster.PerUserLimitsOff
class UnreadReplaysIT extends AgainstCluster {

    private static final int MESSAGES = 1000;
    private static final int STREAMS = 24;
    /** 3,000 € are 9,000 bytes of UTF-8: about 9 MB of history in all. */
    private static final String LARGE = "€".repeat(3000);

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
