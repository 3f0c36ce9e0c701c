package io.chorus.common.bus;

import java.nio.charset.StandardCharsets;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** One message on the bus: the two frames [topic][payload] (see {@link Topics}). */
public record BusMessage(String topic, String payload) {

    public void sendOn(ZMQ.Socket socket) {
        socket.sendMore(topic.getBytes(StandardCharsets.UTF_8));
        socket.send(payload.getBytes(StandardCharsets.UTF_8), 0);
    }

    /**
     * Null for anything that is not two frames: a malformed message is dropped, not fatal. The
     * frames are decoded as UTF-8 here, not with ZMsg.popString, which turns any frame that is
     * not printable ASCII (an accent, an emoji) into hexadecimal.
     */
    public static BusMessage from(ZMsg frames) {
        if (frames == null || frames.size() != 2) {
            return null;
        }
        return new BusMessage(text(frames.pop()), text(frames.pop()));
    }

    private static String text(ZFrame frame) {
        return new String(frame.getData(), StandardCharsets.UTF_8);
    }
}
