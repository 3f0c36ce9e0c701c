package io.chorus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConversationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode groupMessage(String group, String sender) {
        return JSON.createObjectNode().put("id", 1).put("group", group).put("sender", sender).put("text", "hi");
    }

    private static JsonNode directMessage(String from, String to) {
        return JSON.createObjectNode().put("id", 1).put("from", from).put("to", to).put("text", "hi");
    }

    @Test
    void understandsShortAndLongAnswers() {
        assertEquals(Conversation.Kind.DIRECT, Conversation.kind(" Direct "));
        assertEquals(Conversation.Kind.DIRECT, Conversation.kind("d"));
        assertEquals(Conversation.Kind.GROUP, Conversation.kind("GROUP"));
        assertNull(Conversation.kind("both"));
        assertNull(Conversation.kind(null));
    }

    @Test
    void groupChatShowsOnlyThatGroupFromOthers() {
        Conversation garden = new Conversation(Conversation.Kind.GROUP, "garden");
        assertTrue(garden.shows("group-message", groupMessage("Garden", "bob"), "alice"));
        assertFalse(garden.shows("group-message", groupMessage("kitchen", "bob"), "alice"));
        assertFalse(garden.shows("group-message", groupMessage("garden", "ALICE"), "alice"));
        assertFalse(garden.shows("direct-message", directMessage("bob", "alice"), "alice"));
    }

    @Test
    void directChatShowsOnlyMessagesFromThePeer() {
        Conversation withBob = new Conversation(Conversation.Kind.DIRECT, "bob");
        assertTrue(withBob.shows("direct-message", directMessage("Bob", "alice"), "alice"));
        assertFalse(withBob.shows("direct-message", directMessage("carol", "alice"), "alice"));
        assertFalse(withBob.shows("direct-message", directMessage("alice", "bob"), "alice"));
        assertFalse(withBob.shows("group-message", groupMessage("garden", "bob"), "alice"));
    }
}
