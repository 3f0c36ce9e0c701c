package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MessageFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MessageFormat format = new MessageFormat(ZoneOffset.UTC);

    @Test
    void neutralisesTerminalEscapesInOthersText() {
        assertEquals("\uFFFD]0;owned\uFFFD red", MessageFormat.safe("\u001b]0;owned\u0007 red"));
        assertEquals("two\nlines\tok", MessageFormat.safe("two\nlines\tok"));
        assertEquals("c1 \uFFFD", MessageFormat.safe("c1 \u009b"));
    }

    @Test
    void formatsChatEventAndHistoryLines() {
        var group = JSON.createObjectNode().put("id", 42).put("group", "garden").put("sender", "alice")
                .put("text", "tea at five?").put("sentAt", "2026-11-25T10:00:00.123Z");
        var dm = JSON.createObjectNode().put("id", 7).put("from", "alice").put("to", "bob").put("text", "cake");
        assertEquals("[alice] tea at five?", format.chat(group));
        assertEquals("[alice] cake", format.chat(dm));
        assertEquals("[garden] alice: tea at five?", format.event("group-message", group));
        assertEquals("[dm] alice: cake", format.event("direct-message", dm));
        assertEquals("#42 2026-11-25 10:00 alice: tea at five?", format.history(group));
        var joined = JSON.createObjectNode().put("group", "garden").put("member", "bob").put("at", "2026-11-25T10:01:00Z");
        assertEquals("[garden] bob joined", format.event("member-joined", joined));
        assertEquals("[garden] bob left", format.event("member-left", joined));
    }

    @Test
    void marksEditedMessagesAndShowsTombstonesWithoutText() {
        var edited = JSON.createObjectNode().put("id", 42).put("group", "garden").put("sender", "alice")
                .put("text", "tea at six?").put("sentAt", "2026-11-25T10:00:00Z").put("editedAt", "2026-11-25T10:05:00Z");
        var tombstone = JSON.createObjectNode().put("id", 43).put("group", "garden").put("sender", "alice")
                .put("sentAt", "2026-11-25T10:00:00Z").put("deleted", true);
        var dmEdited = JSON.createObjectNode().put("id", 7).put("from", "alice").put("to", "bob").put("text", "pie")
                .put("editedAt", "2026-11-25T10:05:00Z");
        assertEquals("[garden] #42 alice: tea at six? (edited)", format.event("message-edited", edited));
        assertEquals("[garden] #43 alice: (deleted)", format.event("message-deleted", tombstone));
        assertEquals("[dm] #7 alice: pie (edited)", format.event("message-edited", dmEdited));
        assertEquals("#43 2026-11-25 10:00 alice: (deleted)", format.history(tombstone));
        assertEquals("[alice] tea at six? (edited)", format.chat(edited));
        assertEquals("[garden] alice is typing…", format.event("typing",
                JSON.createObjectNode().put("group", "garden").put("user", "alice")));
        assertEquals("[dm] alice is typing…", format.event("typing", JSON.createObjectNode().put("peer", "alice").put("user", "alice")));
        assertEquals("[presence] bob is offline", format.event("presence",
                JSON.createObjectNode().put("user", "bob").put("online", false)));
    }

    @Test
    void chatLinesNameChangedMessagesAndWhatOthersDo() {
        var edited = JSON.createObjectNode().put("id", 42).put("group", "garden").put("sender", "bob")
                .put("text", "tea at six?").put("editedAt", "2026-11-25T10:05:00Z");
        var gone = JSON.createObjectNode().put("id", 43).put("group", "garden").put("sender", "bob").put("deleted", true);
        assertEquals("[bob] #42 tea at six? (edited)", format.chat("message-edited", edited));
        assertEquals("[bob] #43 (deleted)", format.chat("message-deleted", gone));
        assertEquals("* eve joined", format.chat("member-joined", JSON.createObjectNode().put("group", "garden").put("member", "eve")));
        assertEquals("* eve left", format.chat("member-left", JSON.createObjectNode().put("group", "garden").put("member", "eve")));
        assertEquals("* bob is typing…", format.chat("typing", JSON.createObjectNode().put("group", "garden").put("user", "bob")));
        assertEquals("[bob] tea at six? (edited)", format.chat("group-message", edited));
    }
}
