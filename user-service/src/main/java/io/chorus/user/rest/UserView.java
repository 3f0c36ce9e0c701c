package io.chorus.user.rest;

import io.chorus.user.service.User;
import java.time.Instant;

/** A user as others see them: never the password hash. */
public record UserView(String name, Instant createdAt) {

    static UserView of(User user) {
        return new UserView(user.name(), user.createdAt());
    }
}
