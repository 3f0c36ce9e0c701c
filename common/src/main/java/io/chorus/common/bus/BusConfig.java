package io.chorus.common.bus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

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

    /**
     * The bus is authenticated (ZeroMQ CURVE): a publisher needs the proxy's public key and a key
     * pair of its own, whose public half the proxy admits. Required where the publisher is enabled.
     */
    Optional<String> serverKey();

    Optional<String> publicKey();

    Optional<String> secretKey();
}
