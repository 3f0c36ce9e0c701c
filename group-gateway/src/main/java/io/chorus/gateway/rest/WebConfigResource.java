package io.chorus.gateway.rest;

import io.chorus.gateway.config.WebConfig;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;

/** GET /api/web-config: public, read by the web page before anyone has signed in. */
@Path("/api/web-config")
@Produces(MediaType.APPLICATION_JSON)
public class WebConfigResource {

    private final WebConfig config;

    public WebConfigResource(WebConfig config) {
        this.config = config;
    }

    @GET
    public WebConfigView get() {
        return new WebConfigView(baseUrl(config.usersUrl()), baseUrl(config.dmsUrl()));
    }

    // The page appends "/api/...", so a trailing slash would make "//api".
    private static String baseUrl(Optional<String> url) {
        return url.map(String::strip).map(u -> u.replaceAll("/+$", "")).orElse("");
    }

    @RegisterForReflection
    public record WebConfigView(String usersUrl, String dmsUrl) {
    }
}
