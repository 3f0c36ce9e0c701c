package io.chorus.common.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How request bodies are read before the application sees them ({@link BodyBudget}); these hold with CHORUS_LIMITS=off too. */
@ConfigMapping(prefix = "chorus.http.bodies")
public interface BodyReadingConfig {

    /** Bytes of bodies the process holds while they arrive. Unset: an eighth of the maximum heap. */
    Optional<MemorySize> memory();

    /** Bytes of bodies one sender (a user, or an address without a token) holds at once: 16 of the largest. */
    @WithDefault("1M")
    MemorySize perSender();

    /** A body not whole this long after its headers is answered 408 and its connection closed. */
    @WithDefault("PT10S")
    Duration timeout();
}
