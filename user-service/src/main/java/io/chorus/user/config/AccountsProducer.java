package io.chorus.user.config;

import io.chorus.common.limits.LimitsSwitch;
import io.chorus.common.limits.RateLimitsConfig;
import io.chorus.user.repository.UserRepository;
import io.chorus.user.repository.WriteBudgetRepository;
import io.chorus.user.service.Accounts;
import io.chorus.user.service.CellRate;
import io.chorus.user.service.LoginThrottle;
import io.chorus.user.service.PasswordHasher;
import io.chorus.user.service.RegistrationThrottle;
import io.chorus.user.service.SigningKey;
import io.chorus.user.service.TokenIssuer;
import io.chorus.user.service.WriteBudget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain domain classes, which know nothing of CDI, to configuration. */
@ApplicationScoped
public class AccountsProducer {

    @Produces
    @ApplicationScoped
    Accounts accounts(UserRepository users, AccountsConfig config,
                      @ConfigProperty(name = "smallrye.jwt.sign.key.location") String signingKeyLocation) {
        // SmallRye JWT's own key loading would refuse the PKCS#1 file a Helm chart generates.
        PrivateKey key = SigningKey.read(Path.of(signingKeyLocation.replaceFirst("^file:", "")));
        return new Accounts(users, new PasswordHasher(config.bcryptCost()), new TokenIssuer(config.tokenLifespan(), key));
    }

    @Produces
    @ApplicationScoped
    LoginThrottle loginThrottle(RateLimitsConfig config, LimitsSwitch limits) {
        return new LoginThrottle(config.logins().failures(), config.logins().window(), config.maxKeys(),
                limits.perUserLimits());
    }

    @Produces
    @ApplicationScoped
    RegistrationThrottle registrationThrottle(RateLimitsConfig config, LimitsSwitch limits) {
        return new RegistrationThrottle(config.registrations().perAddress(), config.registrations().window(),
                config.maxKeys(), limits.perUserLimits());
    }

    @Produces
    @ApplicationScoped
    WriteBudget writeBudget(WriteBudgetRepository budgets, RateLimitsConfig config) {
        return new WriteBudget(budgets, CellRate.of(config.writes().perSecond(), config.writes().burst()));
    }
}
