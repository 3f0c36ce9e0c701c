package io.chorus.common.bus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

@ConfigMapping(prefix = "chorus.bus")
public interface BusConfig {

    /** "enabled" in services that publish; read when the app is built, to create the publisher or not. */
    @WithDefault("disabled")
    String publisher();

    /** The XSUB endpoints of every gateway's proxy; a publisher connects to all of them. */
    @WithDefault("tcp://127.0.0.1:5557")
    List<String> endpoints();

    /** Messages waiting for the publisher thread; more are dropped and later gap-filled. */
    @WithDefault("100000")
    int outboxCapacity();

    // The CURVE keys (chorus.curve.server-key, public-key, secret-key) are read raw by BusKeys.
}
