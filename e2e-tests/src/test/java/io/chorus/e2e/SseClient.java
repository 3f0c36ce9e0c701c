package io.chorus.e2e;

import io.chorus.cli.SseParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SSE connection, parsed line by line as the EventSource spec says. Counts as connected
 * once the first heartbeat arrives: heartbeats only go to registered subscribers, so from then
 * on nothing posted can be missed. Events of the logs (with an {@code id:} line) and ephemeral
 * ones (typing, presence: no id line) are kept apart: {@link #next} and friends return the
 * former, {@link #nextEphemeral} the latter, so a presence notice never stands in for a message.
 */
public final class SseClient implements AutoCloseable {

    public record Event(String id, String event, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<Event> ephemeral = new LinkedBlockingQueue<>();
    private final CountDownLatch heartbeat = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread reader;
    private volatile int status;
    private volatile InputStream body;
    private volatile String lastEventId;
    private volatile Duration firstRetry;
    private volatile Duration lastRetry;
    /** Whether the last line other than a blank one was a {@code retry:}. */
    private volatile boolean retryIsLast;
    private volatile long endedAt;

    private SseClient(String url, String token, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        reader = Thread.ofVirtual().name("sse-client").start(() -> read(request.build()));
    }

    public static SseClient connect(String url, String token) {
        return connect(url, token, null);
    }

    public static SseClient connect(String url, String token, String lastEventId) {
        SseClient client = new SseClient(url, token, lastEventId);
        try {
            if (!client.heartbeat.await(20, TimeUnit.SECONDS) || client.ended.getCount() == 0 && client.status != 200) {
                throw new AssertionError("no stream from " + url + " (status " + client.status + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return client;
    }

    private void read(HttpRequest request) {
        try {
            HttpResponse<InputStream> response = HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            body = response.body();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            // The CLI's parser: one reading of the format for the CLI, these tests and the benchmark.
            SseParser parser = new SseParser();
            String line;
            while ((line = lines.readLine()) != null) {
                Optional<SseParser.Event> dispatched = parser.line(line);
                if (parser.takeComment()) {
                    heartbeat.countDown();
                }
                if (line.startsWith("retry:")) {
                    parser.retry().ifPresent(retry -> {
                        if (firstRetry == null) {
                            firstRetry = retry;
                        }
                        lastRetry = retry;
                    });
                    retryIsLast = true;
                } else if (!line.isEmpty()) {
                    retryIsLast = false;
                }
                // As EventSource does: the last event id moves when an event is dispatched, so an
                // event cut off halfway is asked for again on resume.
                dispatched.ifPresent(event -> {
                    if (event.id() != null) {
                        lastEventId = event.id();
                    }
                    if (!event.isCursorOnly()) {
                        (parser.lastHadOwnId() ? events : ephemeral).add(new Event(
                                parser.lastHadOwnId() ? event.id() : null, event.type(), event.data()));
                    }
                });
            }
        } catch (Exception e) {
            // The connection ended (closed by us or the server).
        } finally {
            endedAt = System.nanoTime();
            ended.countDown();
            // connect() stops waiting: a refused or failed connection will never send a heartbeat.
            heartbeat.countDown();
        }
    }

    /** The next event, or an AssertionError if none arrives in time. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    /** The next ephemeral event (no id line) of the given type, skipping others; AssertionError if none in time. */
    public Event nextEphemeral(String type, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = ephemeral.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no " + type + " event within " + timeout);
            }
            if (event.event().equals(type)) {
                return event;
            }
        }
    }

    /** The ephemeral events of the given type that arrive within the time, in order. */
    public List<Event> ephemeralWithin(String type, Duration time) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        long deadline = System.nanoTime() + time.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Event event = ephemeral.poll(left, TimeUnit.NANOSECONDS);
            if (event != null && event.event().equals(type)) {
                seen.add(event);
            }
        }
        return seen;
    }

    /** The next event if one arrives in time, else null. */
    public Event poll(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Event> take(int count, Duration timeout) throws InterruptedException {
        List<Event> taken = new ArrayList<>(count);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.size() < count) {
            Event event = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("got " + taken.size() + " of " + count + " events within " + timeout);
            }
            taken.add(event);
        }
        return taken;
    }

    /** The stream's last {@code id:} (its opening cursor until an event arrives), as EventSource keeps it. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the stream opened with ({@code retry:}), if it sent one. */
    public Optional<Duration> openingRetry() {
        return Optional.ofNullable(firstRetry);
    }

    /** The {@code retry:} the stream sent last before it ended, if nothing but blank lines came after it. */
    public Optional<Duration> retryBeforeEnd() {
        return isEnded() && retryIsLast ? Optional.ofNullable(lastRetry) : Optional.empty();
    }

    /** When the stream ended ({@link System#nanoTime()}); only once {@link #isEnded()}. */
    public long endedAt() {
        return endedAt;
    }

    public boolean isEnded() {
        return ended.getCount() == 0;
    }

    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        try {
            if (body != null) {
                body.close();
            }
        } catch (Exception e) {
            // Closing is best effort: the server notices the dropped connection either way.
        }
        reader.interrupt();
    }
}
