package io.chorus.e2e;

import io.chorus.cli.SseParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A benchmark subscriber that behaves like an EventSource: when its stream ends or cannot be
 * opened (the gateway restarting: refused, 503), it reconnects after the reconnection time the
 * server last sent ({@code retry:}, which the gateway draws per stream from a window), or a short
 * random backoff before it sent one, with the last id it saw as Last-Event-ID, and counts every
 * message (by the bench marker's sequence number) once. Scenario (f), the reconnect storm, runs
 * thousands of them.
 */
final class ResumingSubscriber implements AutoCloseable {

    private final Function<String, HttpRequest> request;
    private final HttpClient http;
    private final Runnable connectedAgain;
    private final Thread reader;
    private final BitSet seen = new BitSet();
    private final AtomicInteger connections = new AtomicInteger();
    private int duplicates;
    private volatile String lastEventId;
    /** The server's last {@code retry:} in milliseconds; -1 before it sent one. */
    private volatile long retryMillis = -1;
    private volatile boolean closing;
    private volatile InputStream body;

    /**
     * @param request        the stream's request, given the Last-Event-ID to resume from (null at first)
     * @param connectedAgain runs when a connection after the first one has opened
     */
    ResumingSubscriber(HttpClient http, Function<String, HttpRequest> request, Runnable connectedAgain,
                       Runnable connectedFirst) {
        this.http = http;
        this.request = request;
        this.connectedAgain = connectedAgain;
        this.reader = Thread.ofVirtual().name("bench-resuming").start(() -> follow(connectedFirst));
    }

    private void follow(Runnable connectedFirst) {
        while (!closing) {
            try {
                HttpResponse<InputStream> response = http.send(request.apply(lastEventId),
                        HttpResponse.BodyHandlers.ofInputStream());
                body = response.body();
                if (response.statusCode() == 200) {
                    read(response.body(), connectedFirst);
                } else {
                    response.body().close();
                }
            } catch (Exception e) {
                // Refused or cut: the gateway is restarting; retry below.
            }
            if (!closing) {
                try {
                    // EventSource's reconnection time: the server's, else a default with jitter so a storm spreads out.
                    long told = retryMillis;
                    Thread.sleep(told >= 0 ? told : 250 + ThreadLocalRandom.current().nextInt(500));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void read(InputStream stream, Runnable connected) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
        SseParser parser = new SseParser();
        boolean heard = false;
        String line;
        while ((line = lines.readLine()) != null) {
            Optional<SseParser.Event> event = parser.line(line);
            // Kept across connections, as EventSource keeps it.
            parser.retry().ifPresent(retry -> retryMillis = retry.toMillis());
            if (parser.takeComment() && !heard) {
                heard = true;
                if (connections.incrementAndGet() == 1) {
                    connected.run();
                } else {
                    connectedAgain.run();
                }
            }
            if (event.isEmpty()) {
                continue;
            }
            // As EventSource: the id of a dispatched event (the opening cursor too) is the one to resume from.
            if (event.get().id() != null) {
                lastEventId = event.get().id();
            }
            String data = event.get().data();
            int at = data == null ? -1 : data.indexOf(BenchSubscriber.MARK);
            if (at >= 0) {
                int seqStart = at + BenchSubscriber.MARK.length();
                int seq = Integer.parseInt(data, seqStart, data.indexOf('#', seqStart), 10);
                synchronized (this) {
                    if (seen.get(seq)) {
                        duplicates++;
                    }
                    seen.set(seq);
                }
            }
        }
    }

    /** Whether every message 0..messages-1 arrived. */
    synchronized boolean hasAll(int messages) {
        return seen.nextClearBit(0) >= messages;
    }

    /** Connections that opened (got their first line) so far. */
    int connections() {
        return connections.get();
    }

    synchronized int distinct() {
        return seen.cardinality();
    }

    synchronized int duplicates() {
        return duplicates;
    }

    @Override
    public void close() {
        closing = true;
        BenchSubscriber.closeQuietly(body);
        reader.interrupt();
    }
}
