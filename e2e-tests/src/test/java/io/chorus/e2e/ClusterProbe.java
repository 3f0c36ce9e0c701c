package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.http.ContentType;
import java.time.Duration;

/**
 * What an attack must leave standing, asked the same way after each one: every service ready,
 * and an innocent pair of members unharmed — a post is 201 and reaches the other's stream within
 * a second, and typing still arrives.
 */
final class ClusterProbe {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    private ClusterProbe() {
    }

    static void assertStillServing(ChorusCluster cluster, Api api) throws InterruptedException {
        for (String service : ChorusCluster.SERVICES) {
            given().get(cluster.url(service) + "/q/health/ready").then().statusCode(200);
        }
        Api.Duo innocent = api.groupWithAliceAndBob("innocent");
        try (SseClient bob = api.groupStream(innocent.bob(), innocent.group(), "")) {
            long id = api.post(innocent.alice(), innocent.group(), "still here").getLong("id");
            SseClient.Event delivered = bob.next(WITHIN);
            assertEquals("group-message", delivered.event());
            assertEquals(Long.toString(id), delivered.id(), "the innocent post, live within a second");
            given().auth().oauth2(innocent.alice()).contentType(ContentType.JSON)
                    .post(api.gateway() + "/api/groups/" + innocent.group() + "/typing").then().statusCode(204);
            assertEquals("typing", bob.nextEphemeral("typing", Duration.ofSeconds(2)).event());
        }
    }
}
