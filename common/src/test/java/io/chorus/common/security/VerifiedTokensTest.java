package io.chorus.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    /** smallrye-jwt's parser as far as this test goes: counts verifications, knows a few tokens. */
    private static final class CountingParser extends DefaultJWTParser {
        final AtomicInteger verifications = new AtomicInteger();
        final Map<String, Long> expiries;

        CountingParser(Map<String, Long> expiries) {
            super(new JWTAuthContextInfo());
            this.expiries = new java.util.HashMap<>(expiries);
        }

        @Override
        public JsonWebToken parse(String bearerToken) throws ParseException {
            verifications.incrementAndGet();
            Long expiry = expiries.get(bearerToken);
            if (expiry == null || expiry <= Instant.now().getEpochSecond()) {
                throw new ParseException("not a valid token");
            }
            return token("alice", expiry);
        }
    }

    private static JsonWebToken token(String name, long expiry) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public Set<String> getClaimNames() {
                return Set.of("upn", "exp");
            }

            @SuppressWarnings("unchecked")
            @Override
            public <T> T getClaim(String claim) {
                return (T) (claim.equals("exp") ? (Object) expiry : claim.equals("upn") ? name : null);
            }
        };
    }

    private static long inSeconds(long seconds) {
        return Instant.now().getEpochSecond() + seconds;
    }

    @Test
    void aTokenSeenAgainIsNotVerifiedAgain() throws Exception {
        CountingParser parser = new CountingParser(Map.of("good", inSeconds(3600)));
        VerifiedTokens tokens = new VerifiedTokens(parser);
        JsonWebToken first = tokens.parse("good");
        assertSame(first, tokens.parse("good"));
        assertEquals("alice", tokens.parse("good").getName());
        assertEquals(1, parser.verifications.get());
    }

    @Test
    void aRefusedTokenIsCheckedEveryTime() {
        CountingParser parser = new CountingParser(Map.of());
        VerifiedTokens tokens = new VerifiedTokens(parser);
        assertThrows(ParseException.class, () -> tokens.parse("forged"));
        assertThrows(ParseException.class, () -> tokens.parse("forged"));
        assertEquals(2, parser.verifications.get());
    }

    @Test
    void aRememberedTokenPastItsExpiryGoesBackToTheFullCheck() throws Exception {
        long expiry = inSeconds(3600);
        AtomicLong now = new AtomicLong(Instant.now().getEpochSecond());
        CountingParser parser = new CountingParser(Map.of("short", expiry));
        VerifiedTokens tokens = new VerifiedTokens(parser, now::get);
        tokens.parse("short");
        tokens.parse("short");
        assertEquals(1, parser.verifications.get());
        now.set(expiry);
        // The remembered copy no longer counts; the parser (here: it refuses) decides.
        parser.expiries.clear();
        assertThrows(ParseException.class, () -> tokens.parse("short"));
        assertEquals(2, parser.verifications.get());
    }

    @Test
    void anotherTokenOfTheSameUserIsVerifiedOnItsOwn() throws Exception {
        CountingParser parser = new CountingParser(Map.of("one", inSeconds(3600), "two", inSeconds(3600)));
        VerifiedTokens tokens = new VerifiedTokens(parser);
        tokens.parse("one");
        tokens.parse("two");
        assertEquals(2, parser.verifications.get());
        assertThrows(ParseException.class, () -> tokens.parse("one-but-altered"));
    }
}
