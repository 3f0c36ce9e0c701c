package io.chorus.gateway.bus;

import io.chorus.common.bus.BusMessage;
import io.chorus.common.bus.Topics;
import io.chorus.common.message.Typing;
import io.chorus.gateway.client.Json;
import io.chorus.gateway.stream.LogFollower;
import io.chorus.gateway.stream.TypingFeed;

/**
 * Routes what arrives on the bus to its log's follower: group messages and the group log's joins,
 * leaves, edits and deletes to the group follower (which orders them by position), DMs and their
 * edits and deletes to the DM follower; typing, which is in no log, straight to the streams.
 */
public class BusEvents {

    public static final String[] TOPICS = {Topics.GROUP, Topics.DM, Topics.MEMBERSHIP, Topics.GROUP_CHANGE,
        Topics.DM_CHANGE, Topics.TYPING, Topics.DM_TYPING};

    private final Json json;
    private final LogFollower groupLog;
    private final LogFollower dmLog;
    private final TypingFeed typing;

    public BusEvents(Json json, LogFollower groupLog, LogFollower dmLog, TypingFeed typing) {
        this.json = json;
        this.groupLog = groupLog;
        this.dmLog = dmLog;
        this.typing = typing;
    }

    public void accept(BusMessage message) {
        String topic = message.topic();
        if (topic.startsWith(Topics.GROUP)) {
            groupLog.offer(json.groupEvent(message.payload()));
        } else if (topic.startsWith(Topics.DM)) {
            dmLog.offer(json.dmEvent(message.payload()));
        } else if (topic.startsWith(Topics.TYPING)) {
            typing.inGroup(json.read(message.payload(), Typing.InGroup.class));
        } else if (topic.startsWith(Topics.DM_TYPING)) {
            typing.inDm(json.read(message.payload(), Typing.InDm.class));
        } else if (topic.startsWith(Topics.DM_CHANGE)) {
            dmLog.offer(json.dmEntryEvent(message.payload()));
        } else if (topic.startsWith(Topics.MEMBERSHIP) || topic.startsWith(Topics.GROUP_CHANGE)) {
            groupLog.offer(json.entryEvent(message.payload()));
        }
    }
}
