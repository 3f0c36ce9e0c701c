package io.chorus.gateway.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.chorus.common.error.Problem;
import io.chorus.common.error.ProblemException;
import io.chorus.common.security.InternalCredential;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The post path's one internal call, {@code POST /internal/group-messages}, made with Vert.x's
 * HTTP client directly rather than through the REST client: per call the REST client builds a
 * handler chain, runs its filters and captures contexts, which was about a quarter of the
 * gateway's CPU in a many-small-groups run (docs/performance.md). Here a batch is encoded once to
 * bytes, sent on a kept-alive connection, and its answer decoded once. The rest of history-service's
 * API, called far less often, stays on {@link HistoryClient}. Same contract as there: history-service's
 * 4xx reaches the caller as it was; an outage, a 5xx or no answer within the read timeout is a 503.
 */
public final class HistoryPostCalls implements Function<List<GroupPosts.Post>, List<HistoryClient.PostResult>>,
        AutoCloseable {

    private static final String PATH = "/internal/group-messages";

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String host;
    private final int port;
    private final String credential;
    private final long readTimeoutMillis;

    /**
     * @param baseUrl history-service, as {@code quarkus.rest-client.history.url} names it
     * @param readTimeout how long a batch may take to be answered (its commit included)
     */
    public HistoryPostCalls(Vertx vertx, ObjectMapper mapper, String baseUrl, String credential, Duration connectTimeout,
                            Duration readTimeout) {
        URI uri = URI.create(baseUrl);
        if (uri.getScheme() != null && !uri.getScheme().equals("http")) {
            throw new IllegalArgumentException("history-service's URL must be http://, not " + baseUrl);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 80 : uri.getPort();
        this.mapper = mapper;
        this.credential = credential.strip();
        this.readTimeoutMillis = readTimeout.toMillis();
        // One writer sends one batch at a time, so one connection would do; a few let a call
        // that is cut off (timeout) be replaced at once while the old one closes.
        this.http = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout((int) connectTimeout.toMillis()),
                new PoolOptions().setHttp1MaxSize(4));
    }

    /** Blocks (the group commit's writer, a virtual thread) until history-service answered the batch. */
    @Override
    public List<HistoryClient.PostResult> apply(List<GroupPosts.Post> posts) {
        byte[] body;
        try {
            body = mapper.writeValueAsBytes(new GroupPosts.Batch(posts));
        } catch (IOException e) {
            throw new IllegalStateException("a batch of posts could not be encoded", e);
        }
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setURI(PATH)
                .setIdleTimeout(readTimeoutMillis)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.ACCEPT, "application/json")
                .putHeader(InternalCredential.HEADER, credential);
        Answer answer;
        try {
            answer = http.request(request)
                    .compose(call -> call.send(Buffer.buffer(body))
                            .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes))))
                    .toCompletionStage().toCompletableFuture()
                    .get(readTimeoutMillis + 500, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ProblemException.unavailable("history-service is unreachable; retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("the gateway is shutting down; retry");
        }
        return answer.results(mapper);
    }

    @Override
    public void close() {
        http.close();
    }

    private record Answer(int status, Buffer body) {

        List<HistoryClient.PostResult> results(ObjectMapper mapper) {
            if (status == 200) {
                try {
                    return mapper.readValue(body.getBytes(), HistoryClient.PostResults.class).results();
                } catch (IOException e) {
                    throw ProblemException.unavailable("history-service answered a batch unreadably; retry shortly");
                }
            }
            if (status >= 400 && status < 500) {
                Problem problem = readProblem(mapper);
                throw new ProblemException(status, problem == null ? "Refused" : problem.title(),
                        problem == null ? "history-service refused the posts (" + status + ")" : problem.detail());
            }
            throw ProblemException.unavailable("history-service failed (" + status + "); retry shortly");
        }

        private Problem readProblem(ObjectMapper mapper) {
            try {
                return mapper.readValue(body.getBytes(), Problem.class);
            } catch (IOException | RuntimeException unreadable) {
                return null;
            }
        }
    }
}
