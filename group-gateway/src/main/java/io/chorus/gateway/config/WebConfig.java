package io.chorus.gateway.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * Where the web page served by this gateway finds the other public services. Unset means the
 * page's own origin, which is right behind one Ingress; a laptop run points them at other ports.
 * Optional rather than an empty default: SmallRye Config treats an empty value as missing.
 */
@ConfigMapping(prefix = "gateway.web")
public interface WebConfig {

    /** Base URL of user-service (registration, login), e.g. http://localhost:8081. */
    Optional<String> usersUrl();

    /** Base URL of dm-service (direct messages), e.g. http://localhost:8082. */
    Optional<String> dmsUrl();
}
