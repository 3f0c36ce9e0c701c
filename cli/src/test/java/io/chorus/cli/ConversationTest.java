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

    @Test
    void chatsShowChangesJoinsAndTypingOfTheirOwnConversationOnly() {
        Conversation garden = new Conversation(Conversation.Kind.GROUP, "garden");
        Conversation withBob = new Conversation(Conversation.Kind.DIRECT, "bob");
        // The owner deleting alice's own message is news to alice: changes are shown whoever sent the message.
        assertTrue(garden.shows("message-deleted", groupMessage("garden", "alice"), "alice"));
        assertTrue(garden.shows("message-edited", groupMessage("Garden", "bob"), "alice"));
        assertFalse(garden.shows("message-edited", groupMessage("kitchen", "bob"), "alice"));
        assertTrue(garden.shows("member-joined", JSON.createObjectNode().put("group", "garden").put("member", "eve"), "alice"));
        assertTrue(garden.shows("typing", JSON.createObjectNode().put("group", "garden").put("user", "bob"), "alice"));
        assertFalse(garden.shows("typing", JSON.createObjectNode().put("peer", "bob").put("user", "bob"), "alice"));
        assertFalse(garden.shows("presence", JSON.createObjectNode().put("user", "bob").put("online", true), "alice"));

        assertTrue(withBob.shows("message-edited", directMessage("bob", "alice"), "alice"));
        assertTrue(withBob.shows("message-deleted", directMessage("alice", "bob"), "alice"));
        assertFalse(withBob.shows("message-edited", directMessage("bob", "carol"), "alice"));
        assertTrue(withBob.shows("typing", JSON.createObjectNode().put("peer", "Bob").put("user", "Bob"), "alice"));
        assertFalse(withBob.shows("typing", JSON.createObjectNode().put("peer", "carol").put("user", "carol"), "alice"));
        assertFalse(withBob.shows("member-joined", JSON.createObjectNode().put("group", "garden").put("member", "bob"), "alice"));
    }
}
