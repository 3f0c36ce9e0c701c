package io.chorus.gateway.client;

import io.chorus.common.error.Problem;
import io.chorus.common.error.ProblemException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.function.Supplier;

/**
 * Calls to the services behind the gateway. Their 4xx answers reach the client as they were
 * (same status and detail); an unreachable or failing service is a 503, never a 500.
 */
public final class Upstream {

    private Upstream() {
    }

    public static <T> T call(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw translate(service, e);
        } catch (ProcessingException e) {
            throw ProblemException.unavailable(service + " is unreachable; retry shortly");
        }
    }

    public static RuntimeException translate(String service, Throwable failure) {
        if (failure instanceof WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status >= 400 && status < 500) {
                Problem problem = readProblem(e);
                return new ProblemException(status, problem == null ? e.getResponse().getStatusInfo().getReasonPhrase()
                        : problem.title(), problem == null ? e.getMessage() : problem.detail());
            }
            return ProblemException.unavailable(service + " failed (" + status + "); retry shortly");
        }
        if (failure instanceof ProblemException problem) {
            return problem;
        }
        return ProblemException.unavailable(service + " is unreachable; retry shortly");
    }

    private static Problem readProblem(WebApplicationException e) {
        try {
            return e.getResponse().readEntity(Problem.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
