package io.chorus.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import io.chorus.testing.SigningKeys;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The README quickstart, against the four services running as separate processes. */
class QuickstartIT extends AgainstCluster {


    @Test
    void everyServiceIsReadyWithItsChecks() {
        for (String service : ChorusCluster.SERVICES) {
            given().get(cluster.url(service) + "/q/health/ready")
                    .then().statusCode(200).body("status", equalTo("UP"));
            given().get(cluster.url(service) + "/q/metrics").then().statusCode(200);
            given().get(cluster.url(service) + "/q/openapi").then().statusCode(200);
        }
    }

    @Test
    void registersLogsInAndIsKnownByEveryService() {
        String alice = Api.unique("alice");
        String token = api.signUp(alice);
        given().auth().oauth2(token).get(api.users() + "/api/me").then().statusCode(200).body("name", equalTo(alice));
        given().auth().oauth2(token).get(api.gateway() + "/api/groups").then().statusCode(200).body("$", hasKey("groups"));
        given().auth().oauth2(token).get(api.dms() + "/api/dms").then().statusCode(200).body("$", hasKey("conversations"));
    }

    @Test
    void everyServiceRefusesForgedAndExpiredTokens() {
        String name = Api.unique("mallory");
        String forged = Jwt.issuer("chorus").upn(name).expiresAt(Instant.now().plusSeconds(600))
                .sign(SigningKeys.generate().keyPair().getPrivate());
        String expired = Jwt.issuer("chorus").upn(name).issuedAt(Instant.now().minusSeconds(7200))
                .expiresAt(Instant.now().minusSeconds(3600)).sign(cluster.keys().keyPair().getPrivate());
        for (String token : new String[] {forged, expired}) {
            given().auth().oauth2(token).get(api.users() + "/api/me")
                    .then().statusCode(401).contentType("application/problem+json");
            given().auth().oauth2(token).get(api.gateway() + "/api/groups")
                    .then().statusCode(401).contentType("application/problem+json");
            given().auth().oauth2(token).get(api.dms() + "/api/dms")
                    .then().statusCode(401).contentType("application/problem+json");
            given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"text\":\"x\"}")
                    .post(cluster.url("history-service") + "/internal/groups/g/messages").then().statusCode(401);
        }
    }
}
