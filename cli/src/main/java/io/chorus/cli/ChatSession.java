package io.chorus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The classroom app's chat: pick a peer or a group, then every line typed is sent and what the
 * others say appears as it arrives, as {@code [sender] text}. Plain line I/O (no line editor),
 * so it works the same on a terminal, in tmux or with piped input.
 */
final class ChatSession {

    private final ChorusApi api;
    private final LiveStreams streams;
    private final ObjectMapper json;
    private final MessageFormat format;
    private final String me;
    private final BufferedReader in;
    private final PrintWriter out;
    private final PrintWriter err;

    ChatSession(ChorusApi api, LiveStreams streams, ObjectMapper json, MessageFormat format, String me,
                BufferedReader in, PrintWriter out, PrintWriter err) {
        this.api = api;
        this.streams = streams;
        this.json = json;
        this.format = format;
        this.me = me;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** Runs the dialogue; returns the exit code. */
    int run() {
        Conversation conversation = choose();
        if (conversation == null) {
            return 0;
        }
        check(conversation);
        ResumeCursor cursor = ResumeCursor.fromNow();
        EventStream stream = streams.everything(false, cursor, new EventStream.Listener() {
            @Override
            public void event(SseParser.Event event) {
                JsonNode message = parse(event.data());
                if (message != null && conversation.shows(event.type(), message, me)) {
                    out.println(format.chat(event.type(), message));
                    out.flush();
                }
            }

            @Override
            public void reconnecting(java.time.Duration delay, String reason) {
                err.println("chorus: live updates interrupted (" + reason + "); reconnecting");
                err.flush();
            }
        });
        Thread listener = Thread.ofPlatform().daemon().name("chat-listener").start(() -> {
            try {
                stream.run();
            } catch (ChorusException e) {
                err.println("chorus: live updates stopped: " + e.getMessage());
                err.flush();
            }
        });
        String with = conversation.kind() == Conversation.Kind.GROUP ? "in " + conversation.name()
                : "with " + conversation.name();
        out.println("Chatting " + with + " as " + me + ". Type a message and press Enter; 'exit' quits.");
        out.flush();
        try {
            String line;
            while ((line = readLine()) != null) {
                String text = line.strip();
                if (text.equals("exit")) {
                    break;
                }
                if (text.isEmpty()) {
                    continue;
                }
                try {
                    conversation.send(api, text);
                } catch (ChorusException e) {
                    // One refused or lost message should not end the chat; say so and keep going.
                    err.println("chorus: not sent: " + e.getMessage());
                    err.flush();
                }
            }
        } finally {
            stream.stop();
            try {
                listener.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    private Conversation choose() {
        Conversation.Kind kind = null;
        while (kind == null) {
            out.print("Direct or group? [d/g] ");
            out.flush();
            String answer = readLine();
            if (answer == null) {
                return null;
            }
            kind = Conversation.kind(answer);
        }
        String name = "";
        while (name.isEmpty()) {
            out.print(kind == Conversation.Kind.GROUP ? "Group: " : "To whom? ");
            out.flush();
            String answer = readLine();
            if (answer == null) {
                return null;
            }
            name = answer.strip();
        }
        return new Conversation(kind, name);
    }

    /** Fails early, with the server's reason, rather than on the first line typed. */
    private void check(Conversation conversation) {
        if (conversation.kind() == Conversation.Kind.DIRECT) {
            if (conversation.name().equalsIgnoreCase(me)) {
                throw ChorusException.usage("a direct chat needs someone other than yourself");
            }
            api.user(conversation.name());
            return;
        }
        api.group(conversation.name());
        // Presence answers members only (403 otherwise): one small request, where the caller's
        // group list comes in pages and may not hold this group on its first.
        try {
            api.presence(conversation.name());
        } catch (ChorusException refused) {
            if (refused.status() == 403) {
                throw ChorusException.refused(403, "you are not a member of " + conversation.name()
                        + "; join it first: chorus join " + conversation.name());
            }
            throw refused;
        }
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode parse(String data) {
        try {
            return json.readTree(data);
        } catch (IOException e) {
            return null;
        }
    }
}
