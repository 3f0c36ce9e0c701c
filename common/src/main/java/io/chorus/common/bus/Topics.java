package io.chorus.common.bus;

import io.chorus.common.naming.NameRule;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *   <li>{@code group-change/<group key>}: an edit or delete of a group message, committed to the
 *       group log, as {@link io.chorus.common.message.GroupLogEntry} JSON (its target, actor
 *       and the message as it now is); ordered like the rest by its position.</li>
 *   <li>{@code dm-change/<recipient key>}: an edit or delete of a DM, as
 *       {@link io.chorus.common.message.DmLogEntry} JSON; ordered among the DMs by its position.</li>
 *   <li>{@code typing/<group key>}: a member is typing in the group, as
 *       {@link io.chorus.common.message.Typing.InGroup} JSON. Ephemeral: in no log, never
 *       replayed; a lost one is simply not shown.</li>
 *   <li>{@code dm-typing/<recipient key>}: someone is typing to the recipient, as
 *       {@link io.chorus.common.message.Typing.InDm} JSON; ephemeral too.</li>
 * </ul>
 * Keys are names in lower case ({@link NameRule#key}). Each kind has one publisher: the
 * gateways' proxies pass a message only from a key of the service that owns its topic
 * ({@link #mayPublish}), so one service's key cannot forge another's log.
 */
public final class Topics {

    public static final String GROUP = "group/";
    public static final String DM = "dm/";
    public static final String MEMBERSHIP = "membership/";
    public static final String GROUP_CHANGE = "group-change/";
    public static final String DM_CHANGE = "dm-change/";
    public static final String TYPING = "typing/";
    public static final String DM_TYPING = "dm-typing/";

    /** The publishers, as the proxy names the key a message came from (its ZAP user id). */
    public static final String HISTORY_SERVICE = "history-service";
    public static final String DM_SERVICE = "dm-service";

    private static final Map<String, List<String>> PUBLISHED_BY = Map.of(
            HISTORY_SERVICE, List.of(GROUP, MEMBERSHIP, GROUP_CHANGE, TYPING),
            DM_SERVICE, List.of(DM, DM_CHANGE, DM_TYPING));

    private Topics() {
    }

    /** The services that publish on the bus. */
    public static Set<String> publishers() {
        return PUBLISHED_BY.keySet();
    }

    /** Whether the publisher (a service name; anything else publishes nothing) may send on this topic. */
    public static boolean mayPublish(String publisher, String topic) {
        List<String> kinds = publisher == null ? null : PUBLISHED_BY.get(publisher);
        return kinds != null && kinds.stream().anyMatch(topic::startsWith);
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

    public static String groupChange(String groupName) {
        return GROUP_CHANGE + NameRule.key(groupName);
    }

    public static String dmChange(String recipientName) {
        return DM_CHANGE + NameRule.key(recipientName);
    }

    public static String typing(String groupName) {
        return TYPING + NameRule.key(groupName);
    }

    public static String dmTyping(String recipientName) {
        return DM_TYPING + NameRule.key(recipientName);
    }
}
