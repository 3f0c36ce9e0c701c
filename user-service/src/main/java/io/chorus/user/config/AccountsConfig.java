package io.chorus.user.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "users")
public interface AccountsConfig {

    /** How long an access token stays valid; clients log in again after it. */
    @WithDefault("PT1H")
    Duration tokenLifespan();

    /** bcrypt cost (2^cost rounds): 10 takes about 50 ms per hash on one core here. */
    @WithDefault("10")
    int bcryptCost();
}
