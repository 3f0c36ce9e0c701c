package io.chorus.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * nginx with the Nchan module, configured by the committed bench/nchan.conf, in a temporary
 * prefix on a free loopback port, in the foreground (daemon off) so it is our child process and
 * stops with it. Needs Debian's nginx and libnginx-mod-nchan.
 */
final class NchanServer implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Pattern SUBSCRIBERS = Pattern.compile("subscribers: (\\d+)");

    private final Path prefix;
    private final int port;
    private final Process master;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private NchanServer(Path prefix, int port, Process master) {
        this.prefix = prefix;
        this.port = port;
        this.master = master;
    }

    static boolean installed() {
        return Files.isExecutable(NGINX) && Files.exists(Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so"));
    }

    static NchanServer start(Path config) {
        try {
            Path prefix = Files.createTempDirectory("chorus-nchan");
            for (String directory : new String[] {"conf", "logs", "temp"}) {
                Files.createDirectories(prefix.resolve(directory));
            }
            int port = freePort();
            Path conf = prefix.resolve("conf/nginx.conf");
            Files.writeString(conf, Files.readString(config).replace("NCHAN_PORT", String.valueOf(port)));
            Process master = new ProcessBuilder(ServerCpus.pinned(List.of(NGINX.toString(), "-p", prefix + "/", "-c", conf.toString())))
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                    .start();
            NchanServer server = new NchanServer(prefix, port, master);
            await("nginx with Nchan on port " + port).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> {
                        if (!master.isAlive()) {
                            throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("logs/stdout.log")));
                        }
                        return server.subscribers() >= 0;
                    });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Subscribers Nchan counts now (nchan_stub_status). */
    int subscribers() throws IOException, InterruptedException {
        String status = http.send(HttpRequest.newBuilder(URI.create(url() + "/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = SUBSCRIBERS.matcher(status);
        if (!matcher.find()) {
            throw new IllegalStateException("no subscriber count in " + status);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** RSS of the master and its worker together, in bytes. */
    long rss() {
        return ProcessMemory.rss(master.pid())
                + master.children().mapToLong(worker -> ProcessMemory.rss(worker.pid())).sum();
    }

    /** CPU seconds used so far by the master and its worker together. */
    double cpuSeconds() {
        return ProcessMemory.cpuSeconds(master.pid())
                + master.children().mapToDouble(worker -> ProcessMemory.cpuSeconds(worker.pid())).sum();
    }

    /** The master and its worker, for CPU over a window (the same processes as {@link #cpuSeconds}). */
    CpuSample cpuSample() {
        List<Long> pids = new java.util.ArrayList<>(List.of(master.pid()));
        master.children().forEach(worker -> pids.add(worker.pid()));
        return CpuSample.of(pids);
    }

    @Override
    public void close() {
        // SIGTERM is nginx's fast shutdown; the worker goes with the master.
        master.destroy();
        try {
            if (!master.waitFor(20, TimeUnit.SECONDS)) {
                master.descendants().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(prefix)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is harmless.
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
