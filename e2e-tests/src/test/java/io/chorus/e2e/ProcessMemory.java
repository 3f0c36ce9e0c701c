package io.chorus.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a process holds in memory, read the way an operator would: /proc and jcmd. */
final class ProcessMemory {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private ProcessMemory() {
    }

    /** Resident set size in bytes (VmRSS of /proc/<pid>/status). */
    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    /** CPU time (user + system) the process has used so far, in seconds; Linux counts it in 1/100 s. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Seconds since the process started, on the kernel's clock since boot (start time in
     * /proc/<pid>/stat, in 1/100 s, against /proc/uptime): ProcessHandle's start instant adds the
     * boot time, which Linux gives in whole seconds, so it can be a second off.
     */
    static double secondsSinceStart(long pid) {
        try {
            double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return uptime - Long.parseLong(fields[19]) / 100.0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #cpuSeconds}, or NaN if the process has ended (or is not one of this machine's). */
    static double cpuSecondsIfAlive(long pid) {
        try {
            return cpuSeconds(pid);
        } catch (UncheckedIOException e) {
            return Double.NaN;
        }
    }

    /**
     * Runs a full GC in a JVM and returns the heap it still uses, in bytes. RSS alone hides what
     * subscribers cost: the JVM keeps heap it once committed, so RSS moves in steps.
     */
    static long heapUsedAfterGc(long pid) {
        jcmd(pid, "GC.run");
        // G1 prints one heap line; the serial collector (what a JVM on one CPU picks) prints one
        // per generation. Either way the heap is the sum of those, without Metaspace's lines.
        long usedKib = -1;
        for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
            Matcher used = HEAP_USED.matcher(line);
            if (used.find() && !line.contains("Metaspace") && !line.contains("class space")) {
                usedKib = Math.max(usedKib, 0) + Long.parseLong(used.group(1));
            }
        }
        if (usedKib < 0) {
            throw new IllegalStateException("jcmd GC.heap_info gave no 'used' figure for process " + pid);
        }
        return usedKib * 1024;
    }

    private static String jcmd(long pid, String command) {
        // The services run on this JVM's java (ChorusCluster), so its jcmd speaks their protocol.
        // (java.home, not ProcessHandle's command line: /proc may not answer that with every
        // descriptor in use by thousands of benchmark streams.)
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
