package io.chorus.common.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The access-token parser every service's authentication uses (it replaces smallrye-jwt's own
 * bean, to which it hands every token it has not verified yet). A client sends the same token
 * with each request; checking its RSA signature and parsing its claims every time was a fifth of
 * the gateway's CPU per post. So a token verified here is remembered, by its exact text, for a
 * minute at most and never past its expiry; any other token, and every token after that, gets
 * smallrye-jwt's full check (signature, issuer, expiry with its clock skew). Bounded in number,
 * so a flood of distinct tokens costs at most {@link #MAX_TOKENS} entries.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    static final int MAX_TOKENS = 4096;
    /** How long a verified token is taken as it is: a signing key that was rotated out stops counting after this. */
    static final Duration REMEMBERED = Duration.ofSeconds(60);

    private final JWTParser parser;
    private final LongSupplier epochSeconds;
    private final Cache<String, JsonWebToken> verified = Caffeine.newBuilder()
            .maximumSize(MAX_TOKENS).expireAfterWrite(REMEMBERED).build();

    @Inject
    public VerifiedTokens(DefaultJWTParser parser) {
        this(parser, () -> Instant.now().getEpochSecond());
    }

    VerifiedTokens(JWTParser parser, LongSupplier epochSeconds) {
        this.parser = parser;
        this.epochSeconds = epochSeconds;
    }

    @Override
    public JsonWebToken parse(String bearerToken) throws ParseException {
        JsonWebToken known = verified.getIfPresent(bearerToken);
        if (known != null && known.getExpirationTime() > epochSeconds.getAsLong()) {
            return known;
        }
        JsonWebToken token = parser.parse(bearerToken);
        verified.put(bearerToken, token);
        return token;
    }

    // The rest is never used by the services' authentication; it goes to smallrye-jwt unchanged.

    @Override
    public JsonWebToken parse(String bearerToken, JWTAuthContextInfo context) throws ParseException {
        return parser.parse(bearerToken, context);
    }

    @Override
    public JsonWebToken verify(String bearerToken, PublicKey key) throws ParseException {
        return parser.verify(bearerToken, key);
    }

    @Override
    public JsonWebToken verify(String bearerToken, SecretKey key) throws ParseException {
        return parser.verify(bearerToken, key);
    }

    @Override
    public JsonWebToken verify(String bearerToken, String secret) throws ParseException {
        return parser.verify(bearerToken, secret);
    }

    @Override
    public JsonWebToken decrypt(String bearerToken, PrivateKey key) throws ParseException {
        return parser.decrypt(bearerToken, key);
    }

    @Override
    public JsonWebToken decrypt(String bearerToken, SecretKey key) throws ParseException {
        return parser.decrypt(bearerToken, key);
    }

    @Override
    public JsonWebToken decrypt(String bearerToken, String secret) throws ParseException {
        return parser.decrypt(bearerToken, secret);
    }

    @Override
    public JsonWebToken parseOnly(String bearerToken) throws ParseException {
        return parser.parseOnly(bearerToken);
    }
}
