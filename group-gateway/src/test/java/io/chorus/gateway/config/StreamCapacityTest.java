package io.chorus.gateway.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class StreamCapacityTest {

    @Test
    void theCapacityFitsBothTheHeapAndTheSocketsTheProcessMayOpen() {
        int capacity = GatewayProducers.derivedCapacity(12 * 1024);
        assertTrue(capacity <= Runtime.getRuntime().maxMemory() / (12 * 1024), "no more streams than the heap holds");
        long descriptors = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        assertTrue(capacity <= descriptors - 1000,
                "no more streams than sockets the process may open, " + descriptors + " descriptors: " + capacity);
    }
}
