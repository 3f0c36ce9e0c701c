package io.chorus.common.bus;

import io.chorus.common.naming.NameRule;

/**
 * Topics on the ZeroMQ bus. A message is two frames, [topic][payload], both UTF-8; subscribers
 * filter by topic prefix, so the kind comes first.
 *
 * <ul>
 *   <li>{@code group/<group key>}: payload is the group message JSON exactly as the API returns
 *       it: {"id","group","sender","text","sentAt"}; id is its position in the group log.</li>
 *   <li>{@code dm/<recipient key>}: payload is the DM JSON as the API returns it:
 *       {"id","from","to","text","sentAt"}; id is its position in the DM log.</li>
 *   <li>{@code membership/<group key>}: a join or leave committed to the group log, as
 *       {@link io.chorus.common.message.GroupLogEntry} JSON; published by history-service after
 *       commit, like messages, and ordered among them by its position.</li>
 * </ul>
 * Keys are names in lower case ({@link NameRule#key}).
 */
public final class Topics {

    public static final String GROUP = "group/";
    public static final String DM = "dm/";
    public static final String MEMBERSHIP = "membership/";

    private Topics() {
    }

    public static String group(String groupName) {
        return GROUP + NameRule.key(groupName);
    }

    public static String dm(String recipientName) {
        return DM + NameRule.key(recipientName);
    }

    public static String membership(String groupName) {
        return MEMBERSHIP + NameRule.key(groupName);
    }
}
