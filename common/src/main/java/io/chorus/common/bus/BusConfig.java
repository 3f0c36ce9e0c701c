package io.chorus.common.bus;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

@ConfigMapping(prefix = "chorus.bus")
public interface BusConfig {

    /** "enabled" in services that publish; read when the app is built, to create the publisher or not. */
    @WithDefault("disabled")
    String publisher();

    /**
     * The XSUB endpoints of every gateway's proxy; a publisher connects to all of them. A host name
     * stands for all its addresses (a headless Service: every gateway pod), looked up again and again.
     */
    @WithDefault("tcp://127.0.0.1:5557")
    List<String> endpoints();

    /** How often endpoint host names are looked up again, to connect to gateways that came and leave those gone. */
    @WithDefault("PT5S")
    Duration resolveInterval();

    /** ZMTP heartbeat on bus connections (publishers' and the gateway proxy's): a PING this often. */
    @WithDefault("PT2S")
    Duration heartbeatInterval();

    /** A bus connection silent this long is dropped and reconnected: a dead peer is noticed in seconds. */
    @WithDefault("PT6S")
    Duration heartbeatTimeout();

    /** Messages waiting for the publisher thread; more are dropped and later gap-filled. */
    @WithDefault("100000")
    int outboxCapacity();

    // The CURVE keys (chorus.curve.*: server-key or server-secret-key, secret-key, optional public-key)
    // are read raw by BusKeys.
}
