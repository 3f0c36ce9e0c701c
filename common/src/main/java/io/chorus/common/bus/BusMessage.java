package io.chorus.common.bus;

import java.nio.charset.StandardCharsets;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/** One message on the bus: the two frames [topic][payload] (see {@link Topics}). */
public record BusMessage(String topic, String payload) {

    /**
     * The largest frame any bus socket accepts (ZMQ_MAXMSGSIZE), set before it binds or connects.
     * JeroMQ checks a frame's announced size against it before allocating the frame (its Decoder's
     * sizeReady), for every frame after the greeting, the CURVE handshake's commands included; a
     * larger one closes that connection. Without it one header announcing 2 GiB made the gateway
     * reserve 2 GiB of direct memory. A real payload is a message of 4,096 characters as JSON:
     * tens of KiB at most.
     */
    public static final long MAX_FRAME_BYTES = 1024 * 1024;

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
