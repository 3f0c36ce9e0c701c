package io.chorus.history.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "history")
public interface HistoryConfig {

    /** Most appends committed in one transaction (group commit); larger bursts take several. */
    @WithDefault("256")
    int maxBatch();

    /** Appends waiting for the writer; past this a post is refused with 503 rather than queued forever. */
    @WithDefault("10000")
    int maxPending();
}
