package io.chorus.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A live stream that outlives its connections. Whenever a connection ends (the gateway
 * restarts, a proxy drops it, the server cuts off a subscriber that fell behind, or it goes
 * silent past the heartbeat interval) it reconnects with Last-Event-ID set to the last event
 * delivered, so the server replays exactly what was missed. Only a refusal (401 expired token,
 * 403 no longer a member, 404 unknown group) ends it for good: retrying cannot fix those.
 */
final class EventStream {

    /** One HTTP response body, line by line. */
    interface Connection extends AutoCloseable {
        /** The next line, null at the end of the stream; throws if nothing came within {@code idle}. */
        String readLine(Duration idle) throws IOException, InterruptedException;

        @Override
        void close();
    }

    /** Opens a connection resuming after lastEventId (null: from now); throws ChorusException when refused or unreachable. */
    interface Connector {
        Connection open(String lastEventId) throws InterruptedException;
    }

    interface Listener {
        void event(SseParser.Event event);

        default void connected() {
        }

        default void reconnecting(Duration delay, String reason) {
        }
    }

    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(5);

    private final Connector connector;
    private final ResumeCursor cursor;
    private final Listener listener;
    private final Sleeper sleeper;
    private final Duration idleTimeout;
    private volatile boolean stopped;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread runner;
    private volatile Connection current;
    /** The reconnection time the server last sent ({@code retry:}); null until it sends one. */
    private volatile Duration told;

    /**
     * @param idleTimeout how long silence means a dead connection: the gateway sends a heartbeat
     *                    comment every 15 s, so a few missed ones catch half-open TCP connections
     *                    that would otherwise block a read forever
     */
    EventStream(Connector connector, ResumeCursor cursor, Listener listener, Duration idleTimeout) {
        this(connector, cursor, listener, null, idleTimeout);
    }

    /** @param sleeper how to wait between attempts; null waits the delay unless stop() ends it first */
    EventStream(Connector connector, ResumeCursor cursor, Listener listener, Sleeper sleeper, Duration idleTimeout) {
        this.connector = connector;
        this.cursor = cursor;
        this.listener = listener;
        this.sleeper = sleeper != null ? sleeper : delay -> stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        this.idleTimeout = idleTimeout;
    }

    /** Delivers events until stop(); throws ChorusException if the server refuses the stream. */
    void run() {
        runner = Thread.currentThread();
        int failures = 0;
        try {
            while (!stopped) {
                String reason;
                try {
                    Connection connection = connector.open(cursor.lastEventId());
                    current = connection;
                    if (stopped) {
                        connection.close();
                        break;
                    }
                    listener.connected();
                    boolean heardFromServer = pump(connection);
                    if (heardFromServer) {
                        failures = 0;
                    }
                    reason = "the stream ended";
                } catch (ChorusException e) {
                    if (!e.isTransient()) {
                        throw e;
                    }
                    reason = e.getMessage();
                } catch (IOException e) {
                    reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                } finally {
                    Connection connection = current;
                    current = null;
                    if (connection != null) {
                        connection.close();
                    }
                }
                if (stopped) {
                    break;
                }
                failures++;
                Duration delay = delay(failures, told);
                listener.reconnecting(delay, reason);
                sleeper.sleep(delay);
            }
        } catch (InterruptedException e) {
            if (!stopped) {
                Thread.currentThread().interrupt();
            }
        } finally {
            runner = null;
            if (stopped) {
                // stop() interrupts only to wake a sleep or a read; the thread may go on to other work.
                Thread.interrupted();
            }
        }
    }

    /** Ends run() from another thread. */
    void stop() {
        stopped = true;
        stopping.countDown();
        Connection connection = current;
        if (connection != null) {
            connection.close();
        }
        Thread thread = runner;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Exponential, capped: quick after a one-off drop, gentle on a gateway that is down for a while. */
    static Duration delay(int failures) {
        return delay(failures, null);
    }

    /**
     * As EventSource does, the server's reconnection time ({@code retry:}, null if it sent none)
     * is the first wait; it then doubles while attempts fail, capped at the longer of it and
     * {@link #LONGEST_RETRY}. The gateway draws that time per stream, so clients cut off together
     * come back spread out rather than all at once.
     */
    static Duration delay(int failures, Duration told) {
        long first = told != null ? Math.max(told.toMillis(), 0) : FIRST_RETRY.toMillis();
        long longest = Math.max(LONGEST_RETRY.toMillis(), first);
        long millis = first << Math.min(failures - 1, 10);
        return Duration.ofMillis(Math.min(millis, longest));
    }

    private boolean pump(Connection connection) throws IOException, InterruptedException {
        SseParser parser = new SseParser();
        boolean heard = false;
        String line;
        while ((line = connection.readLine(idleTimeout)) != null) {
            Optional<SseParser.Event> event = parser.line(line);
            heard |= parser.takeComment();
            // Kept across connections, as EventSource keeps its reconnection time.
            parser.retry().ifPresent(retry -> told = retry);
            if (event.isPresent()) {
                heard = true;
                if (event.get().isCursorOnly()) {
                    cursor.advance(event.get().id());
                } else if (!parser.lastHadOwnId()) {
                    // Typing, presence: in no log, so no position to check or move past.
                    listener.event(event.get());
                } else if (cursor.advance(event.get().id())) {
                    listener.event(event.get());
                }
            }
        }
        return heard;
    }
}
