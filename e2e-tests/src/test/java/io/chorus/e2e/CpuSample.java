package io.chorus.e2e;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU seconds each of a set of processes had used at one moment, read from /proc, so the CPU
 * of a window is the difference of two samples even when the set changes in between.
 */
record CpuSample(Map<Long, Double> secondsByPid) {

    /** The processes that are alive now; one that ended meanwhile (or is not on this machine) is left out. */
    static CpuSample of(Collection<Long> pids) {
        Map<Long, Double> seconds = new HashMap<>();
        for (long pid : pids) {
            double used = ProcessMemory.cpuSecondsIfAlive(pid);
            if (!Double.isNaN(used)) {
                seconds.put(pid, used);
            }
        }
        return new CpuSample(Map.copyOf(seconds));
    }

    /**
     * CPU used since {@code before}: a process in both samples counts its difference; one that
     * started since counts whole (its whole life is in the window); one that ended since loses
     * what it used after {@code before} was taken. The services' database pools are fixed-size
     * (docs/performance.md, Knobs), so their backends last the whole run and that loss is rare.
     */
    double since(CpuSample before) {
        double used = 0;
        for (Map.Entry<Long, Double> now : secondsByPid.entrySet()) {
            used += now.getValue() - before.secondsByPid.getOrDefault(now.getKey(), 0.0);
        }
        return used;
    }

    /** Processes in {@code before} that are gone from this sample: their last part is not counted. */
    long endedSince(CpuSample before) {
        return before.secondsByPid.keySet().stream().filter(pid -> !secondsByPid.containsKey(pid)).count();
    }
}
