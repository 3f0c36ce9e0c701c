package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The check that follows an attack: the cluster still serves everyone else. Every process is
 * ready, an innocent member's post is 201 and reaches a peer's stream within a second, and their
 * typing still arrives.
 */
final class HealthProbe {

    private static final Duration DELIVERY = Duration.ofSeconds(1);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HealthProbe() {
    }

    static void assertServesOthers(ChorusCluster cluster, Api api) throws IOException, InterruptedException {
        for (String instance : cluster.instances()) {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.url(instance) + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), instance + " is not ready: " + ready.body());
        }
        Api.Duo duo = api.groupWithAliceAndBob("probe");
        try (SseClient bob = api.groupStream(duo.bob(), duo.group(), "")) {
            String text = "an innocent post";
            api.post(duo.alice(), duo.group(), text);
            long deadline = System.nanoTime() + DELIVERY.toNanos();
            SseClient.Event event;
            do {
                event = bob.poll(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } while (event != null && !event.event().equals("group-message"));
            if (event == null || !event.data().contains(text)) {
                throw new AssertionError("the innocent post did not reach a peer's stream within " + DELIVERY + ": " + event);
            }
            given().auth().oauth2(duo.alice()).contentType(io.restassured.http.ContentType.JSON)
                    .post(api.gateway() + "/api/groups/" + duo.group() + "/typing")
                    .then().statusCode(204);
            bob.nextEphemeral("typing", DELIVERY);
        }
    }
}
