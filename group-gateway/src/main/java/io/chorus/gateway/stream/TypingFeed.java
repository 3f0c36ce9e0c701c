package io.chorus.gateway.stream;

import io.chorus.common.limits.TypingThrottle;
import io.chorus.common.message.Typing;
import io.chorus.common.naming.NameRule;
import java.util.function.Function;

/**
 * Typing notices from the bus to the streams: a group's to its members, a DM's to its recipient
 * (and, with {@code ?self=true}, to the typist, naming the conversation as each side sees it).
 * Throttled here too, per user and conversation, so a stream shows at most one every
 * {@link TypingThrottle#INTERVAL} however many replicas or publishers the notices came through.
 */
public class TypingFeed {

    public static final String TYPE = "typing";

    private final Fanout fanout;
    private final Function<Object, String> json;
    private final TypingThrottle throttle;

    public TypingFeed(Fanout fanout, Function<Object, String> json, TypingThrottle throttle) {
        this.fanout = fanout;
        this.json = json;
        this.throttle = throttle;
    }

    public void inGroup(Typing.InGroup typing) {
        if (!NameRule.isValid(typing.group()) || !NameRule.isValid(typing.user())) {
            return;
        }
        String groupKey = NameRule.key(typing.group());
        String userKey = NameRule.key(typing.user());
        if (throttle.pass("group/" + groupKey + "/" + userKey)) {
            fanout.deliver(Ephemeral.inGroup(groupKey, userKey, TYPE, json.apply(typing)));
        }
    }

    public void inDm(Typing.InDm typing) {
        if (!NameRule.isValid(typing.from()) || !NameRule.isValid(typing.to())) {
            return;
        }
        String fromKey = NameRule.key(typing.from());
        String toKey = NameRule.key(typing.to());
        if (throttle.pass("dm/" + fromKey + "/" + toKey)) {
            fanout.deliver(Ephemeral.toUser(toKey, fromKey, TYPE, json.apply(new Typing.Shown(typing.from(), typing.from())),
                    json.apply(new Typing.Shown(typing.to(), typing.from()))));
        }
    }
}
