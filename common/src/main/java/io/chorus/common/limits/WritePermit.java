package io.chorus.common.limits;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * user-service's answer to one take from a user's write budget: granted, or refused with the
 * whole seconds (at least 1) after which a write would be granted again.
 */
@RegisterForReflection
public record WritePermit(boolean granted, long retryAfterSeconds) {

    public static final WritePermit GRANTED = new WritePermit(true, 0);

    public static WritePermit refused(long retryAfterSeconds) {
        return new WritePermit(false, Math.max(1, retryAfterSeconds));
    }
}
