package io.chorus.common.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMsg;

class BusMessageTest {

    @Test
    void carriesAnyUnicodeTextAsItWasSent() {
        BusMessage sent = new BusMessage("group/caf\u00e9", "{\"text\":\"\u00e9\u0301 \ud83d\ude00 \u202eevil \u05e9\u05dc\u05d5\u05dd\"}");
        ZMsg frames = new ZMsg();
        frames.add(sent.topic().getBytes(StandardCharsets.UTF_8));
        frames.add(sent.payload().getBytes(StandardCharsets.UTF_8));
        assertEquals(sent, BusMessage.from(frames));
    }

    @Test
    void dropsWhatIsNotTwoFrames() {
        ZMsg one = new ZMsg();
        one.add("group/g");
        assertNull(BusMessage.from(one));
        assertNull(BusMessage.from(null));
    }
}
