package io.chorus.history.service;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.BusPublisher;
import io.chorus.common.bus.Topics;
import io.chorus.common.limits.TypingThrottle;
import io.chorus.common.message.Typing;
import io.chorus.common.naming.NameRule;
import java.util.function.Function;

/**
 * Typing in a group goes out on the bus from here, because history-service already publishes to
 * every gateway replica: the one a member posts their typing to forwards it, and each gateway
 * shows it to that group's streams. Ephemeral: nothing is stored, a lost notice is not retried.
 */
public class GroupTyping {

    private final BusPublisher bus;
    private final Function<Object, String> json;
    private final TypingThrottle throttle = new TypingThrottle();

    public GroupTyping(BusPublisher bus, Function<Object, String> json) {
        this.bus = bus;
        this.json = json;
    }

    /** Publishes that the member is typing, unless they did within the throttle's interval. */
    public void announce(String group, String member) {
        if (throttle.pass(NameRule.key(group) + "/" + NameRule.key(member))) {
            bus.publish(new BusMessage(Topics.typing(group), json.apply(new Typing.InGroup(group, member))));
        }
    }
}
