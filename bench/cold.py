#!/usr/bin/env python3
"""Startup and the first seconds: bin/run from nothing running to all four services ready, then
durable posts at once, measured per window after ready.

    bench/cold.py [--runs 3] [--posters 64] [--groups 1] [--seconds 60] [--no-pin] [--keep-databases]
                  [--java-opts '-Xmx256m ...'] [--train]

Each run starts bin/run on free ports with its own state directory and database prefix (so it
does not collide with a bin/run of yours), waits for every service's /q/health/ready, creates the
group(s) and joins the posters (tokens minted with the run's signing key, as GatewayBenchmark does),
then drives the posters in a closed loop of POST /api/groups/{g}/messages and prints:
  - per service, the time from bin/run's start to its first ready answer, and Quarkus' own
    "started in" from its log; bin/run's own "Chorus is running" line;
  - posts/s (201s) in 0-10 s, 10-30 s, 30-60 s after all four were ready, and per 5 s.
Pinned like bin/bench: bin/run (so every service) and PostgreSQL on CPU 0, this client on CPU 1
(PostgreSQL's affinity is put back afterwards). The machine may be shared: repeat (--runs).
Databases are fresh each run (Flyway migrates from nothing) unless --keep-databases, which reuses
those of the first run (a restart over existing data).
--train first makes each service's AOT cache from one run of this same traffic (bin/run with
CHORUS_AOT_TRAINING=on, 30 s of posts, not pinned), replacing the build's; --runs 0 --train only
trains. Not part of bin/test; needs what bin/run needs. Hold the build lock on a shared machine:
    flock /tmp/chorus-build.lock bench/cold.py
"""
import argparse
import asyncio
import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVICES = ["user-service", "dm-service", "history-service", "group-gateway"]


def free_port():
    """A free port below the ephemeral range, where no outgoing connection takes it meanwhile."""
    import random
    while True:
        port = random.randint(20000, 30000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue


def psql(sql, db="postgres"):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(private_pem, user):
    """An RS256 JWT like GatewayBenchmark's: issuer chorus, upn = sub = user, group "user"."""
    now = int(time.time())
    header = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iss": "chorus", "upn": user, "sub": user, "groups": ["user"],
                             "iat": now, "exp": now + 7200}).encode())
    signing_input = f"{header}.{claims}".encode()
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", private_pem], input=signing_input,
                               check=True, capture_output=True).stdout
    return f"{header}.{claims}.{b64(signature)}"


def make_keys(state):
    """The keys bin/run would generate on its first start, made beforehand so no run times them."""
    keys = os.path.join(state, "keys")
    os.makedirs(keys, exist_ok=True)
    pem = os.path.join(keys, "private.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-out", os.path.join(keys, "public.pem")], check=True)
    with open(os.path.join(keys, "internal-credential"), "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java")
    classpath = os.path.join(ROOT, "history-service/target/quarkus-app/lib/main/*")
    for pair in ["bus-server", "bus-history", "bus-dm"]:
        out = subprocess.run([java, "-cp", classpath, "io.chorus.common.bus.CurveKeyPair"], check=True,
                             capture_output=True, text=True).stdout
        with open(os.path.join(keys, pair + ".key"), "w") as f:
            f.write(out)
    return pem


class Postgres:
    """Moves the PostgreSQL postmaster and its backends onto CPU 0 for a run, and back."""

    def __init__(self):
        self.saved = {}

    def pin(self, cpus):
        data = psql("SHOW data_directory")
        with open(os.path.join(data, "postmaster.pid")) as f:
            postmaster = int(f.readline())
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
        for pid in [postmaster] + [int(c) for c in children]:
            try:
                self.saved[pid] = os.sched_getaffinity(pid)
                os.sched_setaffinity(pid, cpus)
            except OSError:
                pass

    def restore(self):
        for pid, cpus in self.saved.items():
            try:
                os.sched_setaffinity(pid, cpus)
            except OSError:
                pass
        self.saved.clear()


async def http(reader, writer, method, path, token_value, body=None):
    """One request on a kept-alive connection; returns (status, body)."""
    data = b"" if body is None else body.encode()
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token_value}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode()
    writer.write(head + data)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        payload = b""
        while True:
            size = int((await reader.readline()).strip(), 16)
            if size == 0:
                await reader.readline()
                break
            payload += await reader.readexactly(size)
            await reader.readline()
    else:
        payload = await reader.readexactly(length) if length else b""
    return status, payload


async def one_request(port, method, path, token_value, body=None):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await http(reader, writer, method, path, token_value, body)
    finally:
        writer.close()


async def await_ready(ports, t0, deadline):
    """Polls every service's readiness every 50 ms; the time of its first 200, from t0."""
    ready = {}

    async def poll(service, port):
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(b"GET /q/health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                line = await asyncio.wait_for(reader.readline(), 2)
                writer.close()
                if line.startswith(b"HTTP/1.1 200"):
                    ready[service] = time.monotonic() - t0
                    return
            except (OSError, asyncio.TimeoutError, ValueError):
                pass
            await asyncio.sleep(0.05)

    await asyncio.gather(*(poll(s, p) for s, p in ports.items()))
    return ready


async def setup_groups(gateway, tokens, groups, prefix):
    names = [f"{prefix}-{g}" for g in range(groups)]
    for name in names:
        status, body = await one_request(gateway, "POST", "/api/groups", tokens[0], json.dumps({"name": name}))
        if status != 201:
            raise RuntimeError(f"creating {name}: {status} {body[:200]}")
    semaphore = asyncio.Semaphore(32)

    async def join(t, name):
        async with semaphore:
            status, body = await one_request(gateway, "PUT", f"/api/groups/{name}/members/me", t)
            if status != 200:
                raise RuntimeError(f"joining {name}: {status} {body[:200]}")

    await asyncio.gather(*(join(t, n) for n in names for t in tokens[1:]))
    return names


async def drive(gateway, tokens, groups, t_ready, seconds):
    """Closed-loop posters until t_ready + seconds; the completion time (from t_ready) of every 201."""
    done, failures = [], {}
    end = t_ready + seconds

    async def poster(i, t):
        reader, writer = await asyncio.open_connection("127.0.0.1", gateway)
        n = 0
        while time.monotonic() < end:
            path = f"/api/groups/{groups[(i + n) % len(groups)]}/messages"
            try:
                status, _ = await http(reader, writer, "POST", path, t, json.dumps({"text": f"cold {i} {n}"}))
            except (ConnectionError, asyncio.IncompleteReadError, OSError) as e:
                failures[type(e).__name__] = failures.get(type(e).__name__, 0) + 1
                writer.close()
                await asyncio.sleep(0.1)
                reader, writer = await asyncio.open_connection("127.0.0.1", gateway)
                continue
            n += 1
            if status == 201:
                done.append(time.monotonic() - t_ready)
            else:
                failures[status] = failures.get(status, 0) + 1
        writer.close()

    await asyncio.gather(*(poster(i, t) for i, t in enumerate(tokens)))
    return done, failures


def cpu_of_jvms(runner_pid):
    """Per service JVM (a child of bin/run): CPU seconds in all, and in its JIT compiler threads."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    children = subprocess.run(["pgrep", "-P", str(runner_pid)], capture_output=True, text=True).stdout.split()
    for pid in children:
        try:
            with open(f"/proc/{pid}/cmdline") as f:
                cmd = f.read()
            name = next((m for m in SERVICES if f"/{m}/target/" in cmd), None)
            if name is None:
                continue
            total = jit = 0.0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/stat") as f:
                    stat = f.read()
                comm = stat[stat.index("(") + 1:stat.rindex(")")]
                fields = stat[stat.rindex(")") + 2:].split()
                cpu = (int(fields[11]) + int(fields[12])) / tick
                total += cpu
                if "CompilerThre" in comm or comm.startswith("C1 ") or comm.startswith("C2 "):
                    jit += cpu
            out[name] = (total, jit)
        except (OSError, ValueError):
            continue
    return out


def rate(done, start, end):
    return sum(1 for t in done if start <= t < end) / (end - start)


def started_in(log):
    """Quarkus' own 'started in 3.456s' from a service's log."""
    try:
        with open(log) as f:
            found = re.findall(r"started in ([0-9.]+)s", f.read())
        return float(found[-1]) if found else None
    except OSError:
        return None


def run_once(args, state, pem, number, prefix, pg, training=False):
    ports = {"user-service": free_port(), "dm-service": free_port(), "history-service": free_port(),
             "group-gateway": free_port()}
    env = dict(os.environ, CHORUS_STATE_DIR=state, CHORUS_DB_PREFIX=prefix, CHORUS_LIMITS="off",
               CHORUS_USER_PORT=str(ports["user-service"]), CHORUS_DM_PORT=str(ports["dm-service"]),
               CHORUS_HISTORY_PORT=str(ports["history-service"]), CHORUS_GATEWAY_PORT=str(ports["group-gateway"]),
               CHORUS_BUS_XSUB_PORT=str(free_port()))
    if args.java_opts is not None:
        env["CHORUS_JAVA_OPTS"] = args.java_opts
    if training:
        env["CHORUS_AOT_TRAINING"] = "on"
    command = [os.path.join(ROOT, "bin/run")]
    if args.pin and not training:
        command = ["taskset", "-c", "0"] + command
        pg.pin({0})
    tokens = [token(pem, f"coldposter{i}") for i in range(args.posters)]
    t0 = time.monotonic()
    runner = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    all_ready_line = {}

    def read_output():
        for line in runner.stdout:
            if "Chorus is running" in line and "at" not in all_ready_line:
                all_ready_line["at"] = time.monotonic() - t0
            if args.verbose:
                sys.stderr.write("  bin/run: " + line)

    threading.Thread(target=read_output, daemon=True).start()
    try:
        ready = asyncio.run(await_ready(ports, t0, t0 + 180))
        if len(ready) < len(ports):
            raise RuntimeError(f"not ready within 180 s: {sorted(set(ports) - set(ready))}; logs in {state}/logs")
        t_ready = t0 + max(ready.values())
        cpu = {"ready": cpu_of_jvms(runner.pid)}
        groups = asyncio.run(setup_groups(ports["group-gateway"], tokens, args.groups, f"cold{number}"))
        t_setup = time.monotonic() - t_ready
        seconds = 30 if training else args.seconds
        sampler = threading.Timer(max(0.0, t_ready + 10 - time.monotonic()),
                                  lambda: cpu.__setitem__("10 s", cpu_of_jvms(runner.pid)))
        sampler.start()
        done, failures = asyncio.run(drive(ports["group-gateway"], tokens, groups, t_ready, seconds))
        cpu["end"] = cpu_of_jvms(runner.pid)
    finally:
        # bin/run stops the services (SIGTERM); a training run's JVMs write their caches meanwhile.
        runner.send_signal(signal.SIGTERM)
        try:
            runner.wait(150 if training else 60)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
        pg.restore()
    logs = os.path.join(state, "logs")
    result = {
        "ready": ready, "all_ready": max(ready.values()), "bin_run_ready": all_ready_line.get("at"),
        "started_in": {s: started_in(os.path.join(logs, s + ".log")) for s in SERVICES},
        "setup": t_setup, "failures": failures,
        "windows": {w: rate(done, *w) for w in [(0, 10), (10, 30), (30, 60)] if w[1] <= seconds},
        "buckets": [rate(done, s, s + 5) for s in range(0, seconds, 5)],
        "posts": len(done), "cpu": cpu,
    }
    return result


def report(number, r):
    print(f"run {number}: all four ready {r['all_ready']:.1f} s after bin/run started"
          + (f" (bin/run printed 'running' at {r['bin_run_ready']:.1f} s)" if r["bin_run_ready"] else ""))
    for s in SERVICES:
        print(f"  {s:16s} ready at {r['ready'][s]:5.1f} s; Quarkus 'started in' {r['started_in'][s] or float('nan'):.2f} s")
    print(f"  group(s) created and joined {r['setup']:.1f} s after ready; {r['posts']} posts answered 201"
          + (f"; failures {r['failures']}" if r["failures"] else ""))
    print("  posts/s " + ", ".join(f"{a}-{b} s: {v:.0f}" for (a, b), v in r["windows"].items()))
    print("  per 5 s: " + " ".join(f"{v:.0f}" for v in r["buckets"]))
    # CPU seconds per JVM (of which its JIT compiler threads) until ready, and ready to +10 s.
    cpu = r["cpu"]
    if "10 s" in cpu:
        parts = []
        for s in SERVICES:
            if s in cpu["ready"] and s in cpu["10 s"]:
                (t0, j0), (t1, j1) = cpu["ready"][s], cpu["10 s"][s]
                parts.append(f"{s} {t0:.1f} ({j0:.1f} JIT) then {t1 - t0:.1f} ({j1 - j0:.1f} JIT)")
        print("  CPU s to ready, then ready to +10 s: " + "; ".join(parts))
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--posters", type=int, default=64)
    parser.add_argument("--groups", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--no-pin", dest="pin", action="store_false")
    parser.add_argument("--keep-databases", action="store_true")
    parser.add_argument("--java-opts", help="CHORUS_JAVA_OPTS for bin/run (default: bin/run's)")
    parser.add_argument("--train", action="store_true", help="train the AOT caches first (see above)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    state = tempfile.mkdtemp(prefix="chorus-cold-")
    prefix = f"cold{os.getpid()}_"
    pg = Postgres()
    pem = make_keys(state)
    if args.pin:
        os.sched_setaffinity(0, {1})
    print(f"bench/cold.py: {args.posters} posters, {args.groups} group(s), {args.seconds} s; "
          + ("bin/run and PostgreSQL on CPU 0, this client on CPU 1" if args.pin else "not pinned")
          + f"; state in {state}")
    results = []
    try:
        if args.train:
            os.sched_setaffinity(0, set(range(os.cpu_count())))
            r = run_once(args, state, pem, 0, prefix, pg, training=True)
            print("training run (caches written to */target/quarkus-app/app.aot):")
            report(0, r)
            drop(prefix)
            if args.pin:
                os.sched_setaffinity(0, {1})
        for number in range(1, args.runs + 1):
            r = run_once(args, state, pem, number, prefix, pg)
            report(number, r)
            results.append(r)
            if not args.keep_databases:
                drop(prefix)
    finally:
        drop(prefix)
    if len(results) > 1:
        print("summary: all ready " + ", ".join(f"{r['all_ready']:.1f}" for r in results) + " s; "
              + "; ".join(f"{a}-{b} s: " + ", ".join(f"{r['windows'][(a, b)]:.0f}" for r in results)
                          for (a, b) in results[0]["windows"]) + " posts/s")


def drop(prefix):
    for db in psql(f"SELECT datname FROM pg_database WHERE datname LIKE '{prefix}%'").split():
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
