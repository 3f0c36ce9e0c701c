package io.chorus.user.service;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.PasswordFactory;
import org.wildfly.security.password.WildFlyElytronPasswordProvider;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.spec.EncryptablePasswordSpec;
import org.wildfly.security.password.spec.IteratedSaltedPasswordAlgorithmSpec;
import org.wildfly.security.password.util.ModularCrypt;

/** bcrypt through WildFly Elytron: salted, slow, stored in the portable $2y$ modular-crypt form. */
public class PasswordHasher {

    private static final Provider PROVIDER = new WildFlyElytronPasswordProvider();

    private final int cost;
    private final SecureRandom random = new SecureRandom();
    private final String decoy;

    public PasswordHasher(int cost) {
        this.cost = cost;
        // Verifying against a decoy for unknown names keeps login time the same whether or not
        // the name exists, so timing does not reveal who has an account.
        this.decoy = hash("decoy-password-never-matches");
    }

    public String hash(String password) {
        byte[] salt = new byte[BCryptPassword.BCRYPT_SALT_SIZE];
        random.nextBytes(salt);
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            Password hashed = factory.generatePassword(new EncryptablePasswordSpec(password.toCharArray(),
                    new IteratedSaltedPasswordAlgorithmSpec(cost, salt)));
            return ModularCrypt.encodeAsString(hashed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("bcrypt is unavailable", e);
        }
    }

    public boolean matches(String password, String storedHash) {
        try {
            PasswordFactory factory = PasswordFactory.getInstance(BCryptPassword.ALGORITHM_BCRYPT, PROVIDER);
            Password stored = factory.translate(ModularCrypt.decode(storedHash));
            return factory.verify(stored, password.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored password hash is unreadable", e);
        }
    }

    /** Spends the time of one verification without a stored hash to compare. */
    public void matchNothing(String password) {
        matches(password, decoy);
    }
}
