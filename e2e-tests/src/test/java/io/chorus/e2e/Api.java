package io.chorus.e2e;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.UUID;

/** The calls a client app makes, against a running cluster. */
final class Api {

    private final ChorusCluster cluster;

    private final String gateway;

    Api(ChorusCluster cluster) {
        this(cluster, "group-gateway");
    }

    /** Calls through the given gateway replica ("group-gateway", "group-gateway-2", ...). */
    Api(ChorusCluster cluster, String gateway) {
        this.cluster = cluster;
        this.gateway = gateway;
    }

    String users() {
        return cluster.url("user-service");
    }

    String gateway() {
        return cluster.url(gateway);
    }

    String dms() {
        return cluster.url("dm-service");
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Registers a user and returns their access token. */
    String signUp(String name) {
        String body = "{\"name\":\"" + name + "\",\"password\":\"password-of-" + name + "\"}";
        given().contentType(ContentType.JSON).body(body).post(users() + "/api/users").then().statusCode(201);
        return given().contentType(ContentType.JSON).body(body).post(users() + "/api/auth/token")
                .then().statusCode(200).extract().path("accessToken");
    }

    /** A fresh group that alice created and bob joined: the cast of most group tests. */
    record Duo(String group, String aliceName, String alice, String bobName, String bob) {
    }

    Duo groupWithAliceAndBob(String base) {
        String group = unique(base);
        String aliceName = unique("alice");
        String bobName = unique("bob");
        String alice = signUp(aliceName);
        String bob = signUp(bobName);
        createGroup(alice, group);
        join(bob, group);
        return new Duo(group, aliceName, alice, bobName, bob);
    }

    void createGroup(String token, String group) {
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"name\":\"" + group + "\"}")
                .post(gateway() + "/api/groups").then().statusCode(201);
    }

    void join(String token, String group) {
        given().auth().oauth2(token).put(gateway() + "/api/groups/" + group + "/members/me").then().statusCode(200);
    }

    /** Joins and returns the join's position in the group log (its cursor). */
    long joinAt(String token, String group) {
        return given().auth().oauth2(token).put(gateway() + "/api/groups/" + group + "/members/me")
                .then().statusCode(200).extract().jsonPath().getLong("cursor");
    }

    JsonPath post(String token, String group, String text) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}")
                .post(gateway() + "/api/groups/" + group + "/messages")
                .then().statusCode(201).extract().jsonPath();
    }

    JsonPath sendDm(String token, String peer, String text) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"text\":\"" + text + "\"}")
                .post(dms() + "/api/dms/" + peer + "/messages")
                .then().statusCode(201).extract().jsonPath();
    }

    SseClient groupStream(String token, String group, String query) {
        return SseClient.connect(gateway() + "/api/groups/" + group + "/events" + query, token);
    }

    SseClient everything(String token, String query) {
        return SseClient.connect(gateway() + "/api/events" + query, token);
    }
}
