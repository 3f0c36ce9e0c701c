package io.chorus.gateway.bus;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.Topics;
import io.chorus.common.naming.NameRule;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.group.MembershipChange;
import io.chorus.gateway.stream.Fanout;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.Memberships;

/** Routes what arrives on the bus: messages to their log's follower, membership changes to the cache. */
public class BusEvents {

    public static final String[] TOPICS = {Topics.GROUP, Topics.DM, Topics.MEMBERSHIP};

    private final Json json;
    private final LogFollower groupLog;
    private final LogFollower dmLog;
    private final Memberships memberships;
    private final Fanout fanout;
    private final String origin;

    /** @param origin this gateway's name on the bus, to recognise its own announcements */
    public BusEvents(Json json, LogFollower groupLog, LogFollower dmLog, Memberships memberships, Fanout fanout,
                     String origin) {
        this.origin = origin;
        this.json = json;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
        this.memberships = memberships;
        this.fanout = fanout;
    }

    public void accept(BusMessage message) {
        String topic = message.topic();
        if (topic.startsWith(Topics.GROUP)) {
            groupLog.offer(json.groupEvent(message.payload()));
        } else if (topic.startsWith(Topics.DM)) {
            dmLog.offer(json.dmEvent(message.payload()));
        } else if (topic.startsWith(Topics.MEMBERSHIP)) {
            MembershipChange change = json.read(message.payload(), MembershipChange.class);
            if (!origin.equals(change.origin())) {
                apply(change);
            }
        }
    }

    /** Applies a join or leave, from this gateway or another replica; applying one twice is harmless. */
    public void apply(MembershipChange change) {
        String group = NameRule.key(change.group());
        String user = NameRule.key(change.user());
        if (change.member()) {
            memberships.add(group, user);
        } else {
            memberships.remove(group, user);
            fanout.left(group, user);
        }
    }
}
