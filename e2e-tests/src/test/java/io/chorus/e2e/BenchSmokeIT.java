package io.chorus.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bin/bench in small: the same benchmark, a few seconds of each step, so the test command proves
 * it still runs against Chorus and Nchan and that its counts are exact. It asserts counts, never
 * speed (speed lives in bin/bench's figures, not in a test on a shared machine).
 */
class BenchSmokeIT {

    @Test
    void theBenchmarkRunsAndEverySubscriberGetsEveryMessageOnce() throws Exception {
        GatewayBenchmark.Sizes sizes = GatewayBenchmark.Sizes.smoke();
        GatewayBenchmark.Results results = new GatewayBenchmark().run(sizes);

        int targets = results.withNchan() ? 2 : 1;
        assertEquals(sizes.posters().size() * targets, results.throughputs().size());
        for (GatewayBenchmark.Throughput posts : results.throughputs()) {
            assertEquals(0, posts.errors(), posts.target() + ": every post answered 2xx");
            assertEquals(sizes.posts(), posts.posts());
        }
        // (a) per subscriber count, (b) the groups, (e) the slow consumers; each for every target.
        assertEquals((sizes.subscribers().size() + 2) * targets, results.fanouts().size());
        for (GatewayBenchmark.Fanout fanout : results.fanouts()) {
            String target = fanout.target() + " with " + fanout.subscribers() + " subscribers";
            assertEquals(fanout.reading(), fanout.complete(), target + ": every reading subscriber got every message");
            assertEquals((long) fanout.reading() * fanout.messages(), fanout.deliveries(), target);
            assertEquals(0, fanout.duplicates(), target + ": no message twice");
            assertEquals(0, fanout.cutOff(), target + ": no stream cut off");
            assertEquals(0, fanout.postErrors(), target);
            assertTrue(fanout.delivery().millis(50) > 0, target + ": latencies were measured");
        }
        assertEquals(targets * sizes.rates().size(), results.rateSteps().size(), "the rate search ran for each target");
        for (GatewayBenchmark.RateStep step : results.rateSteps()) {
            assertEquals(step.fanout().reading(), step.fanout().complete(),
                    step.fanout().target() + " at " + step.rate() + "/s: every subscriber got every message");
            assertEquals(0, step.fanout().duplicates(), step.fanout().target());
        }
        // (b)'s search, one step per target: every stream of every group got its group's messages once.
        assertEquals(targets * sizes.groupRates().size(), results.groupRateSteps().size(),
                "the many-groups rate search ran for each target");
        for (GatewayBenchmark.RateStep step : results.groupRateSteps()) {
            GatewayBenchmark.Fanout fanout = step.fanout();
            String target = fanout.target() + " over " + fanout.groups() + " groups at " + step.rate() + "/s";
            assertEquals(sizes.groups(), fanout.groups(), target);
            assertEquals(fanout.reading(), fanout.complete(), target + ": every subscriber got every message");
            assertEquals((long) fanout.reading() * fanout.messages(), fanout.deliveries(), target);
            assertEquals(0, fanout.duplicates(), target + ": no message twice");
            assertEquals(0, fanout.cutOff(), target + ": no stream cut off");
            assertEquals(0, fanout.postErrors(), target);
        }
        assertEquals(2, results.durable().size(), "durable posts over one group and over several");
        for (GatewayBenchmark.Durable durable : results.durable()) {
            assertEquals(0, durable.chorus().errors(), durable.groups() + " groups: every durable post answered 201");
            assertTrue(durable.postgresRowsPerSecond() > 0, "PostgreSQL's own rate was measured");
        }
        assertTrue(results.postgresBackends() > 0, "Chorus' CPU counted the PostgreSQL backends of its databases");
        GatewayBenchmark.Cold cold = results.cold();
        assertEquals(List.of("history-service", "group-gateway"),
                cold.startups().stream().map(GatewayBenchmark.Startup::service).toList(), "both restarted");
        for (GatewayBenchmark.Startup startup : cold.startups()) {
            assertTrue(startup.startToReadySeconds() > 0 && startup.startToReadySeconds() <= startup.stopToReadySeconds(),
                    startup.service() + ": its start → ready lies within its restart");
        }
        assertTrue(cold.posts().posts() > 0, "posts were made right after the restart");
        assertEquals(0, cold.posts().errors(), "every post right after the restart answered 2xx");
        assertEquals(cold.posts().posts(), cold.posts().latency().count(), "every post was answered");
        GatewayBenchmark.Storm storm = results.storm();
        assertEquals(sizes.stormStreams(), storm.complete(),
                "after the gateway's restart every resuming stream has every message");
        assertEquals(0, storm.duplicates(), "and none twice");
        assertEquals(targets, results.idle().size());
        for (GatewayBenchmark.Idle idle : results.idle()) {
            assertEquals(sizes.idleStreams(), idle.held(), idle.target() + ": every idle stream connected and was held");
        }
        System.out.println(results.report());
        assertTrue(results.fanouts().stream().anyMatch(f -> f.groups() == sizes.groups() && f.stalled() == 0),
                "the groups scenario ran");
        assertTrue(results.fanouts().stream().anyMatch(f -> f.stalled() > 0), "the slow-consumer scenario ran");
        assertTrue(results.report().contains("## Headline") && results.report().contains("## Cold start"),
                "the report has the headline and the cold row:\n" + results.report());
        assertTrue(results.report().contains("| Chorus | 1 | " + sizes.subscribers().getFirst() + " | 0 | "),
                "the report has Chorus' fan-out row:\n" + results.report());
        if (NchanServer.installed()) {
            assertTrue(results.withNchan(), "Nchan is installed, so it is measured beside Chorus");
        } else {
            assertFalse(results.report().contains("| Nchan |"));
        }
    }
}
