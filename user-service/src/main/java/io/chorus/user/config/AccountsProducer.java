package io.chorus.user.config;

import io.chorus.user.repository.UserRepository;
import io.chorus.user.service.Accounts;
import io.chorus.user.service.PasswordHasher;
import io.chorus.user.service.TokenIssuer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Wires the plain domain classes, which know nothing of CDI, to configuration. */
@ApplicationScoped
public class AccountsProducer {

    @Produces
    @ApplicationScoped
    Accounts accounts(UserRepository users, AccountsConfig config) {
        return new Accounts(users, new PasswordHasher(config.bcryptCost()), new TokenIssuer(config.tokenLifespan()));
    }
}
