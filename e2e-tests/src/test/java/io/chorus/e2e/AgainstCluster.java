package io.chorus.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * An end-to-end suite against its own running cluster: the four services start once before the
 * suite's tests and stop after them, with fresh databases, so suites never see each other's data.
 */
abstract class AgainstCluster {

    static ChorusCluster cluster;
    static Api api;

    @BeforeAll
    static void startCluster() {
        cluster = ChorusCluster.start();
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
