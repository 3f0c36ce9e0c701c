package io.chorus.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into application/problem+json (RFC 9457): a status, a title and a human
 * detail, never a stack trace. Bad input is a 4xx; only our own bugs are a 500, and those are
 * logged here with their trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = respond(e.toProblem());
        long retryAfter = e.retryAfterHeader();
        return retryAfter > 0 ? Response.fromResponse(response).header("Retry-After", String.valueOf(retryAfter)).build()
                : response;
    }

    @ServerExceptionMapper
    public Response storage(StorageException e) {
        LOG.error("storage failure: " + e.getMessage(), e);
        return problem(ProblemException.storageUnavailable());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        return respond(invalid(e.getConstraintViolations()));
    }

    /** The 400 for failed constraints, as every resource answers it; also for routes below the REST layer. */
    public static Problem invalid(java.util.Set<? extends ConstraintViolation<?>> violations) {
        String detail = violations.stream()
                .map(ProblemMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return Problem.of(400, "Invalid request", detail);
    }

    // Quarkus ships mappers for the Jackson subtypes; naming them here makes ours the closest match.
    @ServerExceptionMapper({JsonProcessingException.class, JsonParseException.class, JsonMappingException.class,
            MismatchedInputException.class, InvalidFormatException.class})
    public Response unreadableJson(JsonProcessingException e) {
        return respond(unreadable(e));
    }

    /** The 400 for a body that is not the JSON asked for; also for routes below the REST layer. */
    public static Problem unreadable(JsonProcessingException e) {
        String detail;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            detail = "field '" + field + "' has the wrong type or shape";
        } else {
            detail = "the body is not valid JSON: " + e.getOriginalMessage();
        }
        return Problem.of(400, "Malformed request body", detail);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(respond(ProblemException.unauthenticated().toProblem()))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return respond(Problem.of(403, "Forbidden", "you may not do this"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        String title = original.getStatusInfo().getReasonPhrase();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        Response.ResponseBuilder builder = Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, title, e.getMessage() == null ? title : e.getMessage()));
        original.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure", e);
        return respond(Problem.of(500, "Internal error", "the server failed; the failure is logged"));
    }

    private static String describe(ConstraintViolation<?> violation) {
        jakarta.validation.Path.Node last = null;
        for (jakarta.validation.Path.Node node : violation.getPropertyPath()) {
            last = node;
        }
        if (last != null && last.getKind() == jakarta.validation.ElementKind.PARAMETER) {
            // A whole parameter (the body) is missing: its message says what is needed.
            return violation.getMessage();
        }
        String path = violation.getPropertyPath().toString();
        // "register.request.name" -> "name": clients know their fields, not our method names.
        int dot = path.lastIndexOf('.');
        String field = dot < 0 ? path : path.substring(dot + 1);
        return field + ": " + violation.getMessage();
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
