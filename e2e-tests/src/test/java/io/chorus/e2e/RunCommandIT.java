package io.chorus.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's run command itself, with two gateway replicas: it starts every service, refuses a
 * second copy, supervises what it started (a killed or hung service comes back while the others
 * keep serving, posts meanwhile get a fast 503), and stops everything on SIGTERM within 30 s.
 */
class RunCommandIT {

    @Test
    void startsReplicasSupervisesTheServicesAndStopsOnSigterm() throws Exception {
        try (RunCommand run = RunCommand.start(2)) {
            for (String service : RunCommand.HTTP) {
                assertTrue(run.isReady(service), service + " ready");
            }
            assertTrue(run.output().contains("http://localhost:" + run.port("GATEWAY_1")), "prints every replica's URL");
            assertBusOnLoopbackOnly(run.port("BUS_XSUB"));

            Path secondLog = run.state().resolve("second.out");
            Process second = run.startAgain(secondLog);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue());
            assertTrue(Files.readString(secondLog).contains("already running"), Files.readString(secondLog));

            String token = run.signUp("ann-" + UUID.randomUUID().toString().substring(0, 6));
            String group = "supervised-" + UUID.randomUUID().toString().substring(0, 6);
            assertEquals(201, run.call(run.url("GATEWAY"), "POST", "/api/groups", token, "{\"name\":\"" + group + "\"}").statusCode());

            // The generated internal credential closes /internal/* to everyone else, even with a user token.
            for (String internal : List.of(run.url("DM") + "/internal/dms?after=0&all=true",
                    run.url("HISTORY") + "/internal/messages?after=0&all=true")) {
                HttpResponse<String> refused = run.call(internal.substring(0, internal.indexOf("/internal")), "GET",
                        internal.substring(internal.indexOf("/internal")), token, null);
                assertEquals(401, refused.statusCode(), internal + ": " + refused.body());
                assertFalse(refused.body().contains("entries"), refused.body());
            }

            // kill -9: the others keep serving, a post gets a 503 problem at once, and the supervisor restarts it.
            ProcessHandle history = run.service("history-service");
            history.destroyForcibly();
            history.onExit().get(10, TimeUnit.SECONDS);
            assertFastUnavailable(run, run.url("GATEWAY_1"), group, token, "killed-1");
            // The gateway's readiness reports the outage (its log ticker notices within about a second).
            await("the gateway's readiness reports history-service unreachable").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        HttpResponse<String> ready = run.call(run.url("GATEWAY"), "GET", "/q/health/ready", null, null);
                        return ready.statusCode() == 503 && "unreachable".equals(JsonPath.from(ready.body())
                                .getString("checks.find { it.name == 'upstream-services' }.data.'history-service'"));
                    });
            assertTrue(run.isReady("USER"), "user-service keeps serving");
            run.awaitRestarted("HISTORY", history, () -> run.service("history-service"));
            await("the gateway ready again once history-service is back").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100)).until(() -> run.isReady("GATEWAY"));
            HttpResponse<String> retried = postMessage(run, run.url("GATEWAY"), group, token, "killed-1");
            assertEquals(201, retried.statusCode(), retried.body());

            // SIGSTOP is a hang, not a crash: posts still fail fast, and the liveness check gets it killed and restarted.
            ProcessHandle restarted = run.service("history-service");
            assertEquals(0, RunCommand.signal("STOP", restarted));
            assertFastUnavailable(run, run.url("GATEWAY"), group, token, "hung-1");
            run.awaitRestarted("HISTORY", restarted, () -> run.service("history-service"));
            assertEquals(201, postMessage(run, run.url("GATEWAY_1"), group, token, "hung-1").statusCode());
            assertEquals(200, postMessage(run, run.url("GATEWAY_1"), group, token, "hung-1").statusCode(),
                    "a repeated clientId returns the stored message");

            JsonPath page = JsonPath.from(run.call(run.url("GATEWAY"), "GET", "/api/groups/" + group + "/messages", token, null).body());
            assertEquals(List.of("killed-1", "hung-1"), page.getList("messages.text"), "each acknowledged post exactly once");
            assertTrue(run.output().contains("restarting history-service"), run.output());

            long stopping = System.nanoTime();
            run.process().destroy();
            assertTrue(run.process().waitFor(30, TimeUnit.SECONDS), "bin/run stops on SIGTERM within 30 s");
            System.out.printf("bin/run stopped %d services in %d ms%n", RunCommand.HTTP.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
            for (String service : RunCommand.HTTP) {
                assertTrue(RunCommand.isClosed(run.port(service)), service + " stopped with it");
            }
        }
    }

    private static void assertFastUnavailable(RunCommand run, String gateway, String group, String token,
                                              String clientId) throws Exception {
        long begun = System.nanoTime();
        HttpResponse<String> refused = postMessage(run, gateway, group, token, clientId);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "says when to retry");
        assertTrue(millis < 2000, "answered in " + millis + " ms");
    }

    private static HttpResponse<String> postMessage(RunCommand run, String gateway, String group, String token,
                                                    String clientId) throws Exception {
        return run.call(gateway, "POST", "/api/groups/" + group + "/messages", token,
                "{\"text\":\"" + clientId + "\",\"clientId\":\"" + clientId + "\"}");
    }

    /** The gateway's bus listens on 127.0.0.1 only: no address of this machine's network reaches it. */
    private static void assertBusOnLoopbackOnly(int busPort) throws Exception {
        try (Socket local = new Socket()) {
            local.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), busPort), 2000);
        }
        List<InetAddress> outside = NetworkInterface.networkInterfaces().filter(RunCommandIT::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()).toList();
        for (InetAddress address : outside) {
            try (Socket remote = new Socket()) {
                remote.connect(new InetSocketAddress(address, busPort), 2000);
                throw new AssertionError("the bus answers on " + address.getHostAddress() + ":" + busPort);
            } catch (ConnectException refused) {
                // Refused: nothing listens there.
            }
        }
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}
