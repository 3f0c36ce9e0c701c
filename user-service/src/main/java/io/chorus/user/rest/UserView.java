package io.chorus.user.rest;

import io.chorus.user.service.User;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/** A user as others see them: never the password hash. */
@RegisterForReflection
public record UserView(String name, Instant createdAt) {

    static UserView of(User user) {
        return new UserView(user.name(), user.createdAt());
    }
}
