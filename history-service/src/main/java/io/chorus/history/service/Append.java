package io.chorus.history.service;

import io.chorus.common.message.GroupLogEntry;

/** A request to add one entry to the group log, already validated. */
public record Append(String kind, String group, String sender, String text, String clientId) {

    public static Append message(String group, String sender, String text, String clientId) {
        return new Append(GroupLogEntry.MESSAGE, group, sender, text, clientId);
    }

    /** A join ({@code joined}) or leave; never deduplicated by clientId, applying one twice is harmless. */
    public static Append membership(String group, String member, boolean joined) {
        return new Append(joined ? GroupLogEntry.JOINED : GroupLogEntry.LEFT, group, member, "", null);
    }
}
