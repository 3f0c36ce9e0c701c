package io.chorus.dm.service;

import io.chorus.common.error.ProblemException;
import io.chorus.common.naming.NameRule;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Which users exist, as user-service knows them. User names are never deleted, so a name found
 * once is remembered; a miss is not, because the name may be registered a moment later. Failures
 * throw, and thrown results are not cached either.
 */
@ApplicationScoped
public class UserDirectory {

    private static final Logger LOG = Logger.getLogger(UserDirectory.class);

    private final UsersClient users;

    public UserDirectory(@RestClient UsersClient users) {
        this.users = users;
    }

    /**
     * The name as registered (its case may differ from {@code name}). The caller's own
     * Authorization header is forwarded: user-service serves its directory to signed-in users only.
     */
    public String canonicalName(String name, String authorization) {
        if (!NameRule.isValid(name)) {
            throw noSuchUser(name);
        }
        return lookUp(NameRule.key(name), authorization);
    }

    @CacheResult(cacheName = "known-users")
    String lookUp(@CacheKey String key, String authorization) {
        try {
            return users.find(key, authorization).name();
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                throw noSuchUser(key);
            }
            LOG.warnf("user-service answered %d for user '%s'", e.getResponse().getStatus(), key);
            throw unreachable();
        } catch (ProcessingException e) {
            LOG.warnf("user-service unreachable: %s", e.getMessage());
            throw unreachable();
        }
    }

    private static ProblemException noSuchUser(String name) {
        return ProblemException.notFound("no user named '" + name + "'");
    }

    private static ProblemException unreachable() {
        return ProblemException.unavailable("cannot check the recipient with user-service right now; retry shortly");
    }
}
