package io.chorus.gateway.stream;

import io.vertx.core.buffer.Buffer;

/**
 * An event in no log (typing, presence): no {@code id:} line, never stored or replayed, and a
 * stream's cursor does not move for it (SPEC, Live streams). Its frame is encoded once for every
 * stream that shows it. Its audience is a group's (its group streams and its members'
 * everything-streams), or one user's everything-streams (a DM's recipient).
 *
 * @param groupKey     the group whose members see it; null for one user's
 * @param recipientKey the user who sees it when it is not a group's
 * @param actorKey     who did it: own-event filtering leaves it out of their streams without
 *                     {@code ?self=true}
 * @param frame        what the audience's streams write
 * @param actorFrame   what the actor's own streams write with {@code ?self=true} (a DM names the
 *                     conversation as each side sees it); null for the same frame
 */
public record Ephemeral(String groupKey, String recipientKey, String actorKey, Buffer frame, Buffer actorFrame) {

    public static Ephemeral inGroup(String groupKey, String actorKey, String type, String json) {
        return new Ephemeral(groupKey, null, actorKey, SseFrames.body(type, json), null);
    }

    public static Ephemeral toUser(String recipientKey, String actorKey, String type, String json, String actorJson) {
        return new Ephemeral(null, recipientKey, actorKey, SseFrames.body(type, json), SseFrames.body(type, actorJson));
    }

    /** The frame a stream of this user writes. */
    Buffer frameFor(String userKey) {
        return actorFrame != null && userKey.equals(actorKey) ? actorFrame : frame;
    }
}
