#!/usr/bin/env python3
"""Hub replicas on one PostgreSQL (issue 20, part 4): 1, 2 and 3 release `niihub serve` replicas of one
site on one durable PostgreSQL, behind nginx (a TCP stream for the seal port, HTTP for the API), under
the end-to-end seal load of e2e.py (`niisim eseal`, each report acked once stored) sent through nginx.

Per run (a fresh database each, on one cluster with fsync on): messages/s, ack latency p50/p99, and
CPU seconds per message for each component, read from /proc: each replica; PostgreSQL (every process
under the postmaster, summed: client backends, background workers, and the CPU of children that
exited meanwhile, which the postmaster's reaped-children counters keep); nginx (master and worker);
and the load generator, for context. A share of the seals has a transit declaration whose corridor is
far from its route: each must give exactly one `transit.deviation`, made by the one replica holding
the `correlation/<site>` lease from evidence any replica stored. That is the exactly-once check under
load; the script counts the findings per declaration in the database.

Every append takes one PostgreSQL advisory lock (the append lock: seq and the hash chain in order,
across replicas), so the site has one writer at a time. A `psql` beside the run samples, every 50 ms,
whether that lock is held and how many backends wait for it: the share of samples with it held is how
busy the single writer is, and messages/s divided by that share is what the writer would take at most
with everything else free (an extrapolation, said as such in the results).

    python3 scripts/bench/replicas.py                 # 1, 2 and 3 replicas, 2,000 seals × 21 messages
    python3 scripts/bench/replicas.py --units 10000 --replicas 3

Run outside scripts/with-postgres.sh, it starts itself inside it (NIIHUB_PG_DURABLE=1). Needs a release
build with the PostgreSQL trait (`make bench-replicas` builds it), nginx and libnginx-mod-stream.
Results: var/bench/results/replicas-<N>.json, and a Markdown table at the end.
"""
import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from e2e import IMEI_BASE, declarations, post, queues_empty  # noqa: E402
from hubrun import REPO, Hub, binary, machine, write_result  # noqa: E402

SITE = "bench"
LEASE = f"correlation/{SITE}"
NGINX = "/usr/sbin/nginx"
STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so"
# PostgresEventStore.appendLock, as pg_locks shows a bigint advisory key: the high half in classid,
# the low half in objid, objsubid 1.
APPEND_KEY = 0x6E69_6968_7562_0001
APPEND_LOCK = f"classid = {APPEND_KEY >> 32} AND objid = {APPEND_KEY & 0xFFFF_FFFF} AND objsubid = 1"
TICK = os.sysconf("SC_CLK_TCK")


# --- PostgreSQL -------------------------------------------------------------------------------------

def database_url(base, name):
    """`base` (with-postgres's URL) naming database `name` instead."""
    parts = urllib.parse.urlsplit(base)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def psql(url, sql):
    out = subprocess.run(["psql", url, "-X", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"psql failed: {sql}\n{out.stderr}")
    return [line.split("|") for line in out.stdout.splitlines() if line]


def postmaster_pid(base):
    """The cluster's postmaster, from the pid file in the socket folder with-postgres made."""
    folder = urllib.parse.parse_qs(urllib.parse.urlsplit(base).query)["host"][0]
    with open(os.path.join(folder, "data", "postmaster.pid")) as f:
        return int(f.readline())


class LockSampler:
    """One `psql` re-running a query every `every` s (`\\watch`): whether the append lock is held, how
    many backends wait for an advisory lock, and how many deviations are stored. Its own backend is
    left out of PostgreSQL's CPU (`backend`)."""

    def __init__(self, url, every=0.05):
        query = (
            "SELECT pg_backend_pid(),"
            f" (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND {APPEND_LOCK}),"
            " (SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'),"
            " (SELECT count(*) FROM events WHERE kind = 'transit.deviation')"
            f" \\watch {every}\n")
        self.proc = subprocess.Popen(["psql", url, "-X", "-At", "-F", "|", "-P", "pager=off"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.proc.stdin.write(query)
        self.proc.stdin.close()
        self.backend = None
        self.deviations = 0
        self.samples = []  # (held, waiting) while counting
        self.counting = False
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.ready.wait(30):
            raise SystemExit("the lock sampler (psql \\watch) gave no rows")

    def _read(self):
        for line in self.proc.stdout:
            m = re.match(r"^(\d+)\|(\d+)\|(\d+)\|(\d+)$", line.strip())
            if not m:
                continue
            pid, held, waiting, deviations = map(int, m.groups())
            self.backend, self.deviations = pid, deviations
            if self.counting:
                self.samples.append((held, waiting))
            self.ready.set()

    def figures(self):
        n = len(self.samples)
        if not n:
            return {"samples": 0}
        return {"samples": n, "heldShare": round(sum(1 for h, _ in self.samples if h) / n, 3),
                "waitingMean": round(sum(w for _, w in self.samples) / n, 2),
                "waitingMax": max(w for _, w in self.samples)}

    def stop(self):
        # SIGINT ends \watch; psql then reads the end of its input and exits.
        end(self.proc, signal.SIGINT, 10)


def end(proc, sig, patience):
    """Sends `sig` to a child, SIGKILL after `patience` s, and reaps it."""
    if proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- CPU from /proc ---------------------------------------------------------------------------------

def stat(pid):
    """(parent pid, own CPU seconds, CPU seconds of its children it reaped) of a live process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK


def children(parent):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if stat(int(entry))[0] == parent:
                    found.append(int(entry))
            except (OSError, IndexError):
                pass  # gone meanwhile
    return found


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def tree_cpu(root, exclude=()):
    """CPU seconds of `root` and its live children, and of the children it reaped. A client backend
    shows its peer in its title (`[local]` or an address), the background workers do not."""
    _, own, reaped = stat(root)
    cpu = {"backends": 0.0, "background": own, "exited": reaped}
    for pid in children(root):
        if pid in exclude:
            continue
        try:
            _, c, r = stat(pid)
        except (OSError, IndexError):
            continue  # exited between the listing and here: counted as reaped next time
        kind = "backends" if re.search(r"\[local\]|\d+\.\d+\.\d+\.\d+\(\d+\)", cmdline(pid)) else "background"
        cpu[kind] += c + r
    return cpu


def process_cpu(pid):
    _, own, reaped = stat(pid)
    return own + reaped


# --- replicas and nginx -----------------------------------------------------------------------------

class Replica(Hub):
    """A `niihub serve` replica of site `bench` on PostgreSQL `url`, sharing `data` with the others."""

    def __init__(self, workdir, name, url, data, lease_s, log_level="warning"):
        self.name = name
        self.workdir = os.path.abspath(workdir)
        shutil.rmtree(self.workdir, ignore_errors=True)
        os.makedirs(self.workdir)
        self.data = data
        self.config = os.path.join(self.workdir, "site.yaml")
        with open(self.config, "w") as f:
            f.write(
                f"site: {SITE}\nprofiles: {REPO}/DeviceProfiles\n"
                f"store:\n  kind: postgres\n  url: \"{url}\"\n  data: {data}\n  replica: {name}\n  leaseS: {lease_s}\n"
                "http: {host: 127.0.0.1, port: 0, trustedProxies: [127.0.0.1]}\n"
                "devices:\n  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}\n")
        self.niihub = binary("niihub")
        self.log_level = log_level
        self.proc = None
        self.port = None
        self._token = None

    @property
    def token(self):
        # The first replica to start writes the credential into the shared data folder.
        if self._token is None:
            with open(os.path.join(self.data, "admin-credential.json")) as f:
                self._token = json.load(f)["token"]
        return self._token

    def counters(self):
        """Store counters since the start, from /metrics."""
        text = self.get("/metrics", raw=True)

        def total(name):
            return sum(float(m.group(1)) for m in re.finditer(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M))
        return {"events": int(self.events_total(text)), "commits": int(total("niihub_store_commits_total")),
                "batches": int(total("niihub_store_committed_batches_total")),
                "commitSeconds": total("niihub_store_commit_seconds_sum")}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Nginx:
    """Debian's nginx in front of the replicas, configured as Sources/HubTesting/NginxBalancer.swift
    does for the tests (round robin; a TCP stream for the seals, HTTP for the API), with room for
    the run's connections. A child process; `stop()` sends SIGTERM (its master takes the worker
    down) and reaps it."""

    def __init__(self, folder, http, seals, connections, http_port=None):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        # `http_port`: one chosen beforehand, when clients are told where to send before nginx starts.
        self.http_port, self.seal_port = http_port or free_port(), free_port()

        def servers(ports):
            return " ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in ports)
        d = folder
        # Each proxied connection is two of nginx's connections (client and upstream), and every
        # seal stays connected for the whole run: too few and nginx drops the rest at accept
        # ("worker_connections are not enough"), which the seals see as failed logins.
        workers = max(1024, 2 * connections + 256)
        conf = f"""load_module {STREAM_MODULE};
worker_processes 1;
worker_rlimit_nofile {2 * workers};
error_log {d}/error.log notice;
pid {d}/nginx.pid;
events {{ worker_connections {workers}; }}
stream {{
    upstream seals {{ {servers(seals)} }}
    server {{ listen 127.0.0.1:{self.seal_port}; proxy_pass seals; proxy_connect_timeout 1s; }}
}}
http {{
    access_log off;
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    upstream hubs {{ {servers(http)} }}
    server {{
        listen 127.0.0.1:{self.http_port};
        client_max_body_size 64m;
        location / {{
            proxy_pass http://hubs;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 1s;
        }}
    }}
}}
"""
        path = os.path.join(folder, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen([NGINX, "-p", d, "-c", path, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while not (accepts(self.http_port) and accepts(self.seal_port)):
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise SystemExit("nginx did not start: " + open(os.path.join(d, "error.log")).read())
            time.sleep(0.1)

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        end(self.proc, signal.SIGTERM, 5)


# --- one run ----------------------------------------------------------------------------------------

def wait_quiet(limit, patience):
    """Waits up to `patience` s for the 1-minute load average to fall below `limit`; returns it."""
    deadline = time.time() + patience
    while True:
        load = os.getloadavg()
        if load[0] < limit or time.time() >= deadline:
            return [round(x, 2) for x in load]
        time.sleep(5)


def lease_owner(url):
    rows = psql(url, f"SELECT owner FROM leases WHERE name = '{LEASE}' AND expires_at > now()")
    return rows[0][0] if rows else None


def lease_epoch(url):
    """The correlation lease's epoch: it rises each time the lease changes hands."""
    rows = psql(url, f"SELECT epoch FROM leases WHERE name = '{LEASE}'")
    return int(rows[0][0]) if rows else None


def cpu_snapshot(replicas, postmaster, nginx, exclude):
    return {"replicas": {r.name: process_cpu(r.pid) for r in replicas},
            "postgres": tree_cpu(postmaster, exclude), "nginx": process_cpu(nginx.pid) + sum(
                process_cpu(p) for p in children(nginx.pid))}


def run(count, a, base_url, postmaster):
    name = f"replicas{count}"
    out = os.path.join(a.out, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    load_before = wait_quiet(a.quiet_load, a.quiet_wait)
    print(f"--- {count} replica(s), load {load_before}", file=sys.stderr)
    psql(base_url, f"DROP DATABASE IF EXISTS {name}")
    psql(base_url, f"CREATE DATABASE {name}")
    url = database_url(base_url, name)
    data = os.path.join(out, "data")
    replicas, nginx, sampler = [], None, None
    try:
        # One at a time: the first makes the schema and the admin and takes the correlation lease.
        for i in range(1, count + 1):
            r = Replica(os.path.join(out, f"r{i}"), f"r{i}", url, data, a.lease_s).start()
            replicas.append(r)
            if i == 1:
                deadline = time.time() + 60
                while lease_owner(url) != "r1":
                    if time.time() > deadline:
                        raise SystemExit("r1 did not take the correlation lease")
                    time.sleep(0.2)
        seal_ports = [r.listen_port("seals") for r in replicas]
        nginx = Nginx(os.path.join(out, "nginx"), [r.port for r in replicas], seal_ports, a.units)
        # Declarations to the lease holder itself, so its transit watch has them before the first
        # report (one saved on another replica reaches it by NOTIFY, a moment later).
        status, _ = post(replicas[0], "/api/v1/declarations/bulk", declarations(a.declared))
        assert status in (200, 201), status
        epoch_before = lease_epoch(url)
        sampler = LockSampler(url)
        time.sleep(1)
        before = {r.name: r.counters() for r in replicas}
        cpu_before = cpu_snapshot(replicas, postmaster, nginx, {sampler.backend})
        load_at_start = [round(x, 2) for x in os.getloadavg()]
        summary_path = os.path.join(out, "fleet.json")
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler.counting = True
        started = time.time()
        sim = subprocess.run(
            [binary("niisim"), "eseal", "--port", str(nginx.seal_port), "--units", str(a.units),
             "--reports", str(a.reports), "--interval", "1", "--speed", "100000", "--concurrency", str(a.concurrency),
             "--ack-timeout", "120", "--imei-base", str(IMEI_BASE), "--summary-json", summary_path],
            capture_output=True, text=True)
        elapsed = time.time() - started
        sampler.counting = False
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sys.stderr.write(sim.stderr)
        fleet = json.load(open(summary_path))
        # Settled: every stage queue empty on every replica and every declared seal's finding stored.
        deadline = time.time() + 180
        settled = False
        while time.time() < deadline:
            if sampler.deviations >= a.declared and all(queues_empty(r, timeout=5) for r in replicas):
                settled = True
                break
            time.sleep(0.5)
        settle_s = time.time() - started - elapsed
        cpu_after = cpu_snapshot(replicas, postmaster, nginx, {sampler.backend})
        after = {r.name: r.counters() for r in replicas}
        lock = sampler.figures()
        sampler.stop()
        sampler = None
        owner, epoch_after = lease_owner(url), lease_epoch(url)

        # Exactly once: each deviating seal's declaration has one deviation, in the database itself.
        per_declaration = {d: int(n) for d, n in psql(
            url, "SELECT body::jsonb #>> '{subject,declaration}', count(*) FROM events"
                 " WHERE kind = 'transit.deviation' GROUP BY 1")}
        expected = {f"BENCH{u:07d}" for u in range(a.declared)}
        duplicated = {d: n for d, n in per_declaration.items() if n > 1}
        missing = sorted(expected - set(per_declaration))
        unexpected = sorted(set(per_declaration) - expected)
        kinds = {k: int(n) for k, n in psql(url, "SELECT kind, count(*) FROM events GROUP BY kind")}

        messages = fleet["frames"] + fleet["loginsAcked"]
        expected_messages = a.units * (a.reports + 1)

        def per_message(seconds):
            return round(seconds / max(messages, 1) * 1e6, 1)
        replica_cpu = {r.name: cpu_after["replicas"][r.name] - cpu_before["replicas"][r.name] for r in replicas}
        pg = {k: cpu_after["postgres"][k] - cpu_before["postgres"][k] for k in cpu_after["postgres"]}
        pg_total = sum(pg.values())
        nginx_cpu = cpu_after["nginx"] - cpu_before["nginx"]
        sim_cpu = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
        total = sum(replica_cpu.values()) + pg_total + nginx_cpu + sim_cpu
        rate = messages / elapsed
        sustained = fleet.get("sustainedFramesPerSecond") or 0
        result = {
            "replicas": count, "correlating": owner, "leaseHandOvers": (epoch_after or 0) - (epoch_before or 0), "units": a.units, "reportsPerUnit": a.reports,
            "concurrency": a.concurrency, "messagesSent": messages, "messagesExpected": expected_messages,
            "loginsAcked": fleet["loginsAcked"], "failed": fleet["failed"], "refused": fleet["refused"],
            "reconnects": fleet["reconnects"], "seconds": round(elapsed, 2), "settleSeconds": round(settle_s, 2),
            "settled": settled, "messagesPerSecondOverall": round(rate),
            "messagesPerSecondSustained": round(sustained),
            "ackLatencyP50Ms": round(fleet["ackLatencyP50Ms"] or 0, 2),
            "ackLatencyP99Ms": round(fleet["ackLatencyP99Ms"] or 0, 2),
            "ackLatencyMaxMs": round(fleet["ackLatencyMaxMs"] or 0, 2),
            "cpuSeconds": {"replicas": {k: round(v, 2) for k, v in replica_cpu.items()},
                           "postgres": {k: round(v, 2) for k, v in pg.items()}, "nginx": round(nginx_cpu, 2),
                           "niisim": round(sim_cpu, 2), "total": round(total, 2)},
            "cpuMicrosPerMessage": {
                "replicas": {k: per_message(v) for k, v in replica_cpu.items()},
                "replicasSum": per_message(sum(replica_cpu.values())), "postgres": per_message(pg_total),
                "postgresParts": {k: per_message(v) for k, v in pg.items()}, "nginx": per_message(nginx_cpu),
                "niisim": per_message(sim_cpu), "total": per_message(total)},
            # CPU of every part over the load and settling time: 2.0 is both cores busy.
            "coresBusy": round(total / (elapsed + settle_s), 2),
            "storedPerReplica": {r.name: after[r.name]["events"] - before[r.name]["events"] for r in replicas},
            "commitsPerReplica": {r.name: after[r.name]["commits"] - before[r.name]["commits"] for r in replicas},
            "batchesPerCommit": {r.name: round((after[r.name]["batches"] - before[r.name]["batches"]) / max(
                after[r.name]["commits"] - before[r.name]["commits"], 1), 1) for r in replicas},
            "appendLock": dict(lock, bound=(
                round(rate / lock["heldShare"]) if lock.get("heldShare") else None)),
            "eventsByKind": kinds, "declaredSeals": a.declared, "transitDeviations": sum(per_declaration.values()),
            "deviatingSeals": len(per_declaration), "duplicatedDeviations": duplicated,
            "missingDeviations": missing[:20], "missingDeviationCount": len(missing),
            "unexpectedDeviations": unexpected[:20],
            "exactlyOnce": not duplicated and not missing and not unexpected,
            "loadBefore": load_before, "loadAtStart": load_at_start, "postgresDurable": os.environ.get("NIIHUB_PG_DURABLE") == "1",
            "machine": machine(),
        }
        write_result(f"replicas-{count}", result)
        ok = sim.returncode == 0 and settled and result["exactlyOnce"] and fleet["failed"] == 0
        if not ok:
            print(f"{count} replica(s): niisim exit {sim.returncode}, settled {settled}, "
                  f"duplicated {duplicated}, missing {len(missing)}; logs in {out}", file=sys.stderr)
        return result, ok
    finally:
        if sampler:
            sampler.stop()
        if nginx:
            nginx.stop()
        # The lease holder last, so the others' stop is not a hand-over.
        for r in reversed(replicas):
            r.stop()


def table(results):
    """The runs as a Markdown table for BENCHMARKS.md."""
    lines = ["| replicas | load before | messages/s (sustained) | ack p50 / p99 | CPU µs/message: each replica | PostgreSQL | nginx | niisim | cores busy | append lock held | deviations (declared) |",
             "|---:|---|---:|---|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        c = r["cpuMicrosPerMessage"]
        each = " · ".join(f"{k}{'*' if k == r['correlating'] else ''} {v}" for k, v in c["replicas"].items())
        lock = r["appendLock"]
        lines.append(
            f"| {r['replicas']} | {' '.join(map(str, r['loadBefore']))} | {r['messagesPerSecondOverall']:,} "
            f"({r['messagesPerSecondSustained']:,}) | {r['ackLatencyP50Ms']} / {r['ackLatencyP99Ms']} ms | {each} | "
            f"{c['postgres']} | {c['nginx']} | {c['niisim']} | {r['coresBusy']} | "
            f"{round(100 * lock.get('heldShare', 0))} % | {r['transitDeviations']} ({r['declaredSeals']})"
            f"{'' if r['exactlyOnce'] else ' NOT exactly once'} |")
    return "\n".join(lines)


def common_arguments(ap, out):
    """The options replicas.py and forwarding.py share."""
    ap.add_argument("--replicas", default="1,2,3", help="replica counts to run, in order")
    ap.add_argument("--lease-s", type=float, default=15, help="store.leaseS of every replica")
    ap.add_argument("--quiet-load", type=float, default=1.5, help="wait before each run for the 1-minute load below this")
    ap.add_argument("--quiet-wait", type=float, default=90, help="… for at most this many seconds")
    ap.add_argument("--out", default=os.path.join(REPO, "var", "bench", out))


def run_all(a, script, run_one, tabulate, footnote=""):
    """Runs `run_one(count, a, base_url, postmaster)` for each replica count of `a.replicas` on one
    durable throwaway cluster (`script` starts itself inside scripts/with-postgres.sh when run
    outside it), prints the Markdown table, and returns the exit status (1 when any run failed)."""
    base = os.environ.get("NIIHUB_TEST_POSTGRES_URL")
    if not base:
        # A durable throwaway cluster around the script, removed when it ends.
        env = dict(os.environ, NIIHUB_PG_DURABLE="1")
        os.execvpe("bash", ["bash", os.path.join(REPO, "scripts", "with-postgres.sh"), sys.executable,
                            os.path.abspath(script)] + sys.argv[1:], env)
    name = os.path.basename(script)
    if os.environ.get("NIIHUB_PG_DURABLE") != "1":
        print(f"{name}: PostgreSQL runs without fsync (NIIHUB_PG_DURABLE is not 1); figures are not durable ones",
              file=sys.stderr)
    if not (os.access(NGINX, os.X_OK) and os.path.exists(STREAM_MODULE)):
        raise SystemExit(f"{name}: needs nginx and its stream module (apt-get install nginx libnginx-mod-stream)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    postmaster = postmaster_pid(base)
    results, failed = [], False
    for count in [int(n) for n in a.replicas.split(",")]:
        result, ok = run_one(count, a, base, postmaster)
        results.append(result)
        failed |= not ok
    print("\n" + tabulate(results) + footnote)
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(ap, "replicas")
    ap.add_argument("--units", type=int, default=2000, help="seals, each its own connection (up to 10,000)")
    ap.add_argument("--reports", type=int, default=20, help="reports per seal after its LOCK")
    ap.add_argument("--declared", type=int, default=500, help="seals with a transit declaration (each deviates)")
    ap.add_argument("--concurrency", type=int, default=500, help="seals connected at once")
    return run_all(ap.parse_args(), __file__, run, table, "\n(* the replica holding the correlation lease)")


if __name__ == "__main__":
    sys.exit(main())
