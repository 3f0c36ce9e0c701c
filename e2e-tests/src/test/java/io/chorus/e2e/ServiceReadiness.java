package io.chorus.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waits for a service started as a process to answer its readiness check, or says why it did not. */
final class ServiceReadiness {

    static final Duration WITHIN = Duration.ofSeconds(90);

    private ServiceReadiness() {
    }

    /** Until /q/health/ready answers 200; fails at once if the process exits, with its log's end either way. */
    static void await(String service, String baseUrl, Process process, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            Awaitility.await(service + " ready").atMost(WITHIN).pollInterval(Duration.ofMillis(250))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> !process.isAlive() || http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(service + " did not become ready in " + WITHIN.toSeconds() + " s"
                    + ServiceLogs.explain(service, baseUrl, log), e);
        }
        if (!process.isAlive()) {
            throw new AssertionError(service + " exited with " + process.exitValue() + " during start"
                    + ServiceLogs.explain(service, baseUrl, log));
        }
    }
}
