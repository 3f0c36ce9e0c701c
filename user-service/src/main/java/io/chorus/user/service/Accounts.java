package io.chorus.user.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.chorus.common.paging.PageLimit;
import io.chorus.user.repository.UserRepository;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The account rules: who may register, who may log in, what the directory shows. */
public class Accounts {

    public static final int DEFAULT_PAGE_SIZE = 20;
    public static final int MAX_PAGE_SIZE = 100;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{0,32}");

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final TokenIssuer tokens;

    public Accounts(UserRepository users, PasswordHasher hasher, TokenIssuer tokens) {
        this.users = users;
        this.hasher = hasher;
        this.tokens = tokens;
    }

    public User register(Credentials credentials) {
        credentials.requireValidForRegistration();
        String hash = hasher.hash(credentials.password());
        return users.insert(credentials.name(), hash)
                .orElseThrow(() -> ProblemException.conflict("the name '" + credentials.name() + "' is taken"));
    }

    public TokenIssuer.AccessToken logIn(Credentials credentials) {
        if (!credentials.isPlausibleLogin()) {
            throw ProblemException.unauthorized("wrong name or password");
        }
        Optional<User> user = users.findByName(credentials.name());
        if (user.isEmpty()) {
            hasher.matchNothing(credentials.password());
            throw ProblemException.unauthorized("wrong name or password");
        }
        if (!hasher.matches(credentials.password(), user.get().passwordHash())) {
            throw ProblemException.unauthorized("wrong name or password");
        }
        return tokens.issue(user.get().name());
    }

    public User find(String name) {
        if (!NameRule.isValid(name)) {
            throw ProblemException.notFound("no user named '" + name + "'");
        }
        return users.findByName(name)
                .orElseThrow(() -> ProblemException.notFound("no user named '" + name + "'"));
    }

    /** One page of the directory, ordered by name ignoring case, starting after {@code after}. */
    public DirectoryPage directory(String prefix, String after, String limit) {
        String safePrefix = prefix == null ? "" : prefix;
        if (!PREFIX.matcher(safePrefix).matches()) {
            throw ProblemException.invalid("prefix must be up to 32 letters, digits, '_', '-' or '.'");
        }
        if (after != null && !NameRule.isValid(after)) {
            throw ProblemException.invalid("after must be a user name");
        }
        int size = PageLimit.parse(limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        List<User> found = users.page(NameRule.key(safePrefix), after == null ? null : NameRule.key(after), size + 1);
        boolean more = found.size() > size;
        List<User> page = more ? found.subList(0, size) : found;
        return new DirectoryPage(page, more ? page.getLast().name() : null);
    }

    public record DirectoryPage(List<User> users, String next) {
    }
}
