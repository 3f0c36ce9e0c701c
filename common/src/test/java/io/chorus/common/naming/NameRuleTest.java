package io.chorus.common.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NameRuleTest {

    @Test
    void acceptsLettersDigitsAndThreeMarks() {
        for (String name : new String[] {"a", "Ann.O_Nym-1", "x".repeat(32), "...", ".hidden", "a..b"}) {
            assertTrue(NameRule.isValid(name), name);
        }
    }

    @Test
    void refusesTheRestAndTheDotSegments() {
        // "." and ".." would vanish from any URL path they are put in ("/api/groups/../members").
        for (String name : new String[] {null, "", ".", "..", "x".repeat(33), "a b", "a/b", "caf\u00e9", "a\u0000", "%2e"}) {
            assertFalse(NameRule.isValid(name), String.valueOf(name));
        }
    }

    @Test
    void namesAreUniqueIgnoringCase() {
        assertEquals(NameRule.key("Ann"), NameRule.key("aNN"));
    }
}
