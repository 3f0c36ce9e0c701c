package io.chorus.e2e;

import io.chorus.cli.SseParser;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One SSE subscriber of a benchmark, the same code against Chorus and Nchan, reading with the
 * CLI's {@link SseParser}. It uses only what both send: comments (Chorus' cursor and heartbeat,
 * Nchan's ": hi") and events' data. A posted text
 * carries a marker, {@code bench#<seq>#<System.nanoTime() when sent>#}, so the delivery latency
 * is measured on one clock, in this JVM, whatever the server wraps the text in.
 */
final class BenchSubscriber implements AutoCloseable {

    static final String MARK = "bench#";

    private final long[] latency;
    private final CountDownLatch connected;
    private final CountDownLatch finished;
    private final Thread reader;
    private int distinct;
    private int duplicates;
    private long lastArrival;
    private boolean counted;
    private volatile boolean closing;
    private volatile boolean cutOff;
    private volatile InputStream body;
    private final Runnable settled;
    private final boolean stalls;
    private final CountDownLatch closed = new CountDownLatch(1);

    /**
     * @param connected counted down on the first comment: the server has registered the stream
     * @param finished  counted down once every message arrived, or the stream ended before that
     */
    BenchSubscriber(HttpClient http, HttpRequest request, int messages, CountDownLatch connected,
                    CountDownLatch finished) {
        this(http, request, messages, connected, finished, () -> { }, false);
    }

    /**
     * @param settled runs once, when the stream connected or ended before it did (refused)
     * @param stalls  stops reading once connected, as a client that hangs (its TCP window fills)
     */
    BenchSubscriber(HttpClient http, HttpRequest request, int messages, CountDownLatch connected,
                    CountDownLatch finished, Runnable settled, boolean stalls) {
        this.settled = settled;
        this.stalls = stalls;
        this.latency = new long[messages];
        Arrays.fill(latency, -1);
        this.connected = connected;
        this.finished = finished;
        this.reader = Thread.ofVirtual().name("bench-subscriber").start(() -> read(http, request));
    }

    static String marker(int seq, long sentNanos) {
        return MARK + seq + "#" + sentNanos + "#";
    }

    private void read(HttpClient http, HttpRequest request) {
        boolean heard = false;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            if (response.statusCode() != 200) {
                return;
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            SseParser parser = new SseParser();
            String line;
            while ((line = lines.readLine()) != null) {
                Optional<SseParser.Event> event = parser.line(line);
                if (parser.takeComment()) {
                    if (!heard) {
                        heard = true;
                        connected.countDown();
                        settled.run();
                        if (stalls) {
                            // Reads nothing more until the benchmark closes it.
                            closed.await();
                            return;
                        }
                    }
                }
                if (event.isPresent() && !event.get().isCursorOnly()) {
                    received(event.get().data(), System.nanoTime());
                }
            }
        } catch (Exception e) {
            // The stream ended: closed by us at the end, or cut off by the server (counted as incomplete).
        } finally {
            cutOff = !closing;
            if (!heard) {
                settled.run();
            }
            finish();
        }
    }

    private void received(String data, long now) {
        int at = data.indexOf(MARK);
        if (at < 0) {
            return;
        }
        int seqStart = at + MARK.length();
        int seqEnd = data.indexOf('#', seqStart);
        int sentEnd = data.indexOf('#', seqEnd + 1);
        int seq = Integer.parseInt(data, seqStart, seqEnd, 10);
        long sent = Long.parseLong(data, seqEnd + 1, sentEnd, 10);
        boolean complete;
        synchronized (this) {
            if (latency[seq] >= 0) {
                duplicates++;
                return;
            }
            latency[seq] = now - sent;
            lastArrival = now;
            complete = ++distinct == latency.length;
        }
        if (complete) {
            finish();
        }
    }

    private synchronized void finish() {
        if (!counted) {
            counted = true;
            finished.countDown();
        }
    }

    synchronized int distinct() {
        return distinct;
    }

    synchronized int duplicates() {
        return duplicates;
    }

    synchronized long lastArrival() {
        return lastArrival;
    }

    synchronized boolean complete() {
        return distinct == latency.length;
    }

    /** Whether the stream ended before we closed it: refused, or cut off by the server. */
    boolean cutOff() {
        return cutOff;
    }

    synchronized void latenciesInto(Latencies into) {
        for (long nanos : latency) {
            if (nanos >= 0) {
                into.add(nanos);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        closed.countDown();
        closeQuietly(body);
        reader.interrupt();
    }

    /** Closes a stream's body, if it has one; best effort: the server notices the dropped connection either way. */
    static void closeQuietly(InputStream body) {
        try {
            if (body != null) {
                body.close();
            }
        } catch (Exception e) {
            // Already closed or broken: nothing more to release.
        }
    }
}
