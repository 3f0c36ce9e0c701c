package io.chorus.dm.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "dms")
public interface DmConfig {

    /** Most DMs committed in one transaction (group commit); larger bursts take several. */
    @WithDefault("256")
    int maxBatch();

    /** Sends waiting for the writer; past this a send is refused with 503 rather than queued forever. */
    @WithDefault("10000")
    int maxPending();
}
