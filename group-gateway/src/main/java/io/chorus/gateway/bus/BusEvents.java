package io.chorus.gateway.bus;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.Topics;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.stream.LogFollower;

/**
 * Routes what arrives on the bus to its log's follower: group messages and the group log's joins
 * and leaves to the group follower (which orders them by position), DMs to the DM follower.
 */
public class BusEvents {

    public static final String[] TOPICS = {Topics.GROUP, Topics.DM, Topics.MEMBERSHIP};

    private final Json json;
    private final LogFollower groupLog;
    private final LogFollower dmLog;

    public BusEvents(Json json, LogFollower groupLog, LogFollower dmLog) {
        this.json = json;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
    }

    public void accept(BusMessage message) {
        String topic = message.topic();
        if (topic.startsWith(Topics.GROUP)) {
            groupLog.offer(json.groupEvent(message.payload()));
        } else if (topic.startsWith(Topics.DM)) {
            dmLog.offer(json.dmEvent(message.payload()));
        } else if (topic.startsWith(Topics.MEMBERSHIP)) {
            groupLog.offer(json.membershipEvent(message.payload()));
        }
    }
}
