package io.chorus.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An SSE response body read on a thread of its own into a small queue. The HttpClient body
 * stream has no read timeout and closing it does not reliably wake a blocked reader; a queue
 * polled with a timeout gives both the idle detection and a prompt close.
 */
final class StreamConnection implements EventStream.Connection {

    private static final Object END = new Object();

    // Bounded: if the terminal cannot keep up, the reader blocks and TCP pushes back on the server,
    // which cuts this subscriber off; the client then resumes from its cursor.
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>(1024);
    private final InputStream body;
    private final Thread reader;
    private volatile boolean closed;

    StreamConnection(InputStream body) {
        this.body = body;
        this.reader = Thread.ofVirtual().name("sse-reader").start(this::read);
    }

    private void read() {
        Object last = END;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.put(line);
            }
        } catch (IOException e) {
            last = e;
        } catch (InterruptedException e) {
            return;
        }
        try {
            lines.put(last);
        } catch (InterruptedException e) {
            // Closed while handing over the end: nobody is reading any more.
        }
    }

    @Override
    public String readLine(Duration idle) throws IOException, InterruptedException {
        if (closed) {
            return null;
        }
        Object next = lines.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new SocketTimeoutException("nothing from the server for " + idle.toSeconds() + " s");
        }
        if (next == END) {
            return null;
        }
        if (next instanceof IOException e) {
            throw e;
        }
        return (String) next;
    }

    @Override
    public void close() {
        closed = true;
        try {
            body.close();
        } catch (IOException e) {
            // Best effort: the reader is interrupted below either way.
        }
        reader.interrupt();
    }
}
