package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "listen", description = {
        "Print live events until Ctrl-C: your groups' and your DMs, or one group's.",
        "A dropped connection is resumed from the last event, so nothing is missed or shown twice."})
final class ListenCommand implements Callable<Integer> {

    @ParentCommand
    Chorus chorus;

    @Option(names = "--group", paramLabel = "GROUP", description = "Only this group.")
    String group;

    @Option(names = "--self", description = "Include your own messages.")
    boolean self;

    @Option(names = "--resume", paramLabel = "CURSOR",
            description = "Start after this event id (the \"cursor\" of --json output) instead of now.")
    String resume;

    @Override
    public Integer call() {
        ChorusApi client = chorus.api();
        LiveStreams streams = new LiveStreams(client);
        ResumeCursor cursor = resume != null ? new ResumeCursor(resume) : ResumeCursor.fromNow();
        PrintWriter out = chorus.out();
        PrintWriter err = chorus.err();
        EventStream.Listener printer = new EventStream.Listener() {
            private boolean connectedBefore;

            @Override
            public void connected() {
                // On stderr, so --json output stays one event per line; scripts can wait for it.
                err.println(connectedBefore ? "chorus: reconnected" : "chorus: listening; Ctrl-C stops");
                err.flush();
                connectedBefore = true;
            }

            @Override
            public void event(SseParser.Event event) {
                JsonNode message = chorus.parse(event.data());
                if (chorus.json) {
                    ObjectNode line = chorus.mapper.createObjectNode().put("cursor", event.id()).put("event", event.type());
                    line.set("message", message);
                    out.println(line);
                } else {
                    out.println(message.isObject() ? chorus.format.event(event.type(), message) : event.data());
                }
                out.flush();
            }

            @Override
            public void reconnecting(Duration delay, String reason) {
                err.println("chorus: connection lost (" + reason + "); reconnecting in " + delay.toMillis() + " ms");
                err.flush();
            }
        };
        EventStream stream = group != null ? streams.group(group, self, cursor, printer)
                : streams.everything(self, cursor, printer);
        stream.run();
        return 0;
    }
}
