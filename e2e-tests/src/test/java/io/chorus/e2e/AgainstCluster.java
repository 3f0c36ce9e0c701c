package io.chorus.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * An end-to-end suite against its own running cluster: the four services start once before the
 * suite's tests and stop after them, with fresh databases, so suites never see each other's data.
 */
abstract class AgainstCluster {

    /** How many gateway replicas the suite's cluster runs (one when absent). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Gateways {
        int value();
    }

    /**
     * The suite posts faster than any person (hundreds of posts a second from one user, to test
     * ordering under load): its cluster runs with CHORUS_LIMITS=off. The limits have their own
     * suite (LimitsIT) at their defaults.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface PerUserLimitsOff {
    }

    static ChorusCluster cluster;
    static Api api;

    @BeforeAll
    static void startCluster(TestInfo suite) {
        Gateways gateways = suite.getTestClass().map(type -> type.getAnnotation(Gateways.class)).orElse(null);
        boolean limitsOff = suite.getTestClass().map(type -> type.isAnnotationPresent(PerUserLimitsOff.class)).orElse(false);
        cluster = ChorusCluster.start(gateways == null ? 1 : gateways.value(),
                limitsOff ? ChorusCluster.PER_USER_LIMITS_OFF : java.util.Map.of());
        api = new Api(cluster);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
