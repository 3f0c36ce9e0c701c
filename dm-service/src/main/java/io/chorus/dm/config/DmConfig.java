package io.chorus.dm.config;

import io.chorus.common.log.GroupCommitConfig;
import io.smallrye.config.ConfigMapping;

/** The DM log's group commit: {@code dms.max-batch}, {@code dms.max-pending}. */
@ConfigMapping(prefix = "dms")
public interface DmConfig extends GroupCommitConfig {
}
