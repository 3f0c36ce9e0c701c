package io.chorus.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests to a service's /internal/* paths, as the gateway makes them: with the internal credential. */
public final class InternalCalls {

    /** The header the services read the credential from (common's InternalCredential.HEADER). */
    public static final String HEADER = "Chorus-Internal-Credential";

    private InternalCalls() {
    }

    /** RestAssured's given(), presenting the credential of the shared test secrets. */
    public static RequestSpecification internal() {
        return internal(ServiceSecrets.shared().internalCredential());
    }

    public static RequestSpecification internal(String credential) {
        return RestAssured.given().header(HEADER, credential);
    }
}
