package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void defaultsToTheLocalPorts() {
        Endpoints endpoints = Endpoints.resolve(null, null, null, Map.of());
        assertEquals(URI.create("http://localhost:8080"), endpoints.gateway());
        assertEquals(URI.create("http://localhost:8081"), endpoints.users());
        assertEquals(URI.create("http://localhost:8082"), endpoints.dms());
    }

    @Test
    void optionBeatsEnvironmentBeatsDefault() {
        Map<String, String> env = Map.of("CHORUS_GATEWAY_URL", "http://env:1", "CHORUS_USERS_URL", "http://env:2");
        Endpoints endpoints = Endpoints.resolve("https://option:9/", null, null, env);
        assertEquals(URI.create("https://option:9"), endpoints.gateway());
        assertEquals(URI.create("http://env:2"), endpoints.users());
        assertEquals(URI.create("http://localhost:8082"), endpoints.dms());
    }

    @Test
    void rejectsWhatIsNotAnHttpUrlAsAUsageError() {
        ChorusException e = assertThrows(ChorusException.class,
                () -> Endpoints.resolve("localhost:8080", null, null, Map.of()));
        assertEquals(ChorusException.USAGE, e.exitCode());
        assertThrows(ChorusException.class, () -> Endpoints.resolve(null, "http://bad host", null, Map.of()));
    }
}
