package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A connection that keeps what was written to it; it can play a client that stopped reading. */
final class RecordingSink implements StreamSink {

    private static final Pattern ID = Pattern.compile("(?m)^id: (.*)$");
    private static final Pattern EVENT = Pattern.compile("(?m)^event: (.*)$");

    final List<Buffer> writes = new ArrayList<>();
    boolean opened;
    boolean ended;
    boolean full;
    boolean abandoned;
    private Runnable onDrain;

    @Override
    public void open(Buffer first) {
        opened = true;
        if (first != null) {
            writes.add(first);
        }
    }

    @Override
    public void write(Buffer frame) {
        if (ended) {
            throw new AssertionError("written after the end");
        }
        writes.add(frame);
    }

    @Override
    public boolean writeQueueFull() {
        return full;
    }

    @Override
    public void onDrain(Runnable then) {
        onDrain = then;
    }

    @Override
    public void end() {
        ended = true;
    }

    @Override
    public void abandon() {
        abandoned = true;
    }

    /** The client reads again. */
    void drain() {
        full = false;
        Runnable then = onDrain;
        onDrain = null;
        if (then != null) {
            then.run();
        }
    }

    String text() {
        StringBuilder all = new StringBuilder();
        writes.forEach(buffer -> all.append(buffer.toString()));
        return all.toString();
    }

    /** The ids of the events written (not the opening cursor's). */
    List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        for (String frame : text().split("\n\n")) {
            Matcher id = ID.matcher(frame);
            if (EVENT.matcher(frame).find() && id.find()) {
                ids.add(id.group(1));
            }
        }
        return ids;
    }

    List<String> eventTypes() {
        List<String> types = new ArrayList<>();
        Matcher event = EVENT.matcher(text());
        while (event.find()) {
            types.add(event.group(1));
        }
        return types;
    }
}
