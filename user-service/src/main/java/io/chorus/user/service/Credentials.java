package io.chorus.user.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import java.nio.charset.StandardCharsets;

/** A name and password as a client sent them, checked against SPEC's rules before any use. */
public record Credentials(String name, String password) {

    public static final int MIN_PASSWORD_LENGTH = 8;
    /** bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused. */
    public static final int MAX_PASSWORD_BYTES = 72;

    /** Checks a registration: every rule, with a message that says which one failed. */
    public Credentials requireValidForRegistration() {
        if (!NameRule.isValid(name)) {
            throw ProblemException.invalid("name must be " + NameRule.DESCRIPTION);
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw ProblemException.invalid("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ProblemException.invalid("password must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8");
        }
        return this;
    }

    /** Records print their fields; a password must never reach a log by accident. */
    @Override
    public String toString() {
        return "Credentials[name=" + name + ", password=<hidden>]";
    }

    /** A login can only succeed with a well-formed name and password; anything else is a 401. */
    public boolean isPlausibleLogin() {
        return NameRule.isValid(name) && password != null && !password.isEmpty()
                && password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES;
    }
}
