package io.chorus.history.config;

import io.chorus.common.log.GroupCommitConfig;
import io.smallrye.config.ConfigMapping;

/** The group log's group commit: {@code history.max-batch}, {@code history.max-pending}. */
@ConfigMapping(prefix = "history")
public interface HistoryConfig extends GroupCommitConfig {
}
