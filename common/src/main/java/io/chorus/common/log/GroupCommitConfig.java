package io.chorus.common.log;

import io.smallrye.config.WithDefault;

/**
 * The settings of a log's {@link GroupCommit}, the same for both logs; each service maps them
 * under its own prefix ({@code history.*}, {@code dms.*}) by extending this interface.
 */
public interface GroupCommitConfig {

    /** Most appends committed in one transaction; larger bursts take several. */
    @WithDefault("256")
    int maxBatch();

    /** Appends waiting for the writer; past this an append is refused with 503 rather than queued forever. */
    @WithDefault("10000")
    int maxPending();
}
