package io.chorus.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a failed start is explained by: the end of the service's log and what its readiness check
 * says. A CI run keeps only Maven's output, so a service that never became ready must say why in
 * the assertion message itself.
 */
final class ServiceLogs {

    private static final int TAIL_LINES = 60;

    private ServiceLogs() {
    }

    /** A paragraph for a failure message: the readiness answer, then the log's last lines. */
    static String explain(String service, String baseUrl, Path log) {
        return "\n--- " + service + " /q/health/ready: " + readiness(baseUrl)
                + "\n--- last lines of " + log + ":\n" + tail(log);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e + ")";
        }
    }

    private static String readiness(String baseUrl) {
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(baseUrl + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() + " " + ready.body().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "no answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
