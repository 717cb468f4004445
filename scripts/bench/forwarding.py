#!/usr/bin/env python3
"""The gate-forwarding load on hub replicas (issue 20, part 4): G gate hubs (SQLite, release `niihub
serve`, one site each, as at a border gate) store seal reports while their uplink is down, then drain
their backlogs at once into 1, 2 and 3 central replicas of one durable PostgreSQL behind nginx, as
gates do after an outage of the link or of the central. What is measured is what the central tier
takes: forwarded events per second from the first batch taken to the last, and the CPU per event of
each replica, of PostgreSQL, of nginx and of the gates themselves (all on the same two cores).

Per run (a fresh database each): each gate gets a `gate` credential of its own from the central
(owner = its site), `--units` seals × `--reports` reports from `niisim eseal` (each acked once the
gate stored it), and `forward: {batch: --batch, maxBackoffS: 0.5}` pointing at nginx, which starts
only once every gate is loaded. The drain ends when every gate has forwarded what it held; then the
central must hold each gate's events exactly once (the per-site count and distinct ids in the
database against the gate's own SQLite file). The append lock is sampled as in replicas.py.

    python3 scripts/bench/forwarding.py                     # 1, 2, 3 replicas; 6 gates × 300 seals × 20 reports
    python3 scripts/bench/forwarding.py --gates 12 --batch 500

Run outside scripts/with-postgres.sh, it starts itself inside it (NIIHUB_PG_DURABLE=1). `make
bench-replicas` runs it after replicas.py. Results: var/bench/results/forwarding-<N>.json and a
Markdown table at the end.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from e2e import IMEI_BASE  # noqa: E402
from hubrun import REPO, Hub, binary, machine, write_result  # noqa: E402
from replicas import (LockSampler, Nginx, Replica, children, common_arguments, database_url, free_port,  # noqa: E402
                      process_cpu, psql, run_all, tree_cpu, wait_quiet)


class Gate(Hub):
    """A gate hub of site `site` on its own SQLite file, forwarding to `url` with the token in `token_file`."""

    def __init__(self, workdir, site, url, token_file, batch):
        forward = (f"forward:\n  url: \"{url}\"\n  tokenFile: {token_file}\n  batch: {batch}\n"
                   "  maxBackoffS: 0.5\n")
        super().__init__(workdir, "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}", extra=forward)
        self.site = site
        with open(self.config) as f:
            text = f.read()
        with open(self.config, "w") as f:
            f.write(text.replace("site: bench\n", f"site: {site}\n", 1))

    def stored(self):
        """Events in the gate's own file (read-only, beside the running hub: SQLite's WAL allows it)."""
        with sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=30) as db:
            return db.execute("SELECT count(*) FROM events").fetchone()[0]

    def forwarded(self):
        """Events the central has acknowledged, from the gate's own counter."""
        text = self.get("/metrics", raw=True)
        m = re.search(r"^niihub_forward_events_total(?:\{[^}]*\})? (\S+)$", text, re.M)
        return int(float(m.group(1))) if m else 0


def gate_token(central, site):
    """A `gate` credential for `site`, made by the central's admin (what an operator does once per gate)."""
    body = json.dumps({"role": "gate", "label": f"{site} uplink", "owner": site}).encode()
    req = urllib.request.Request(
        f"http://127.0.0.1:{central.port}/api/v1/tokens", data=body, method="POST",
        headers={"Authorization": f"Bearer {central.token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)["token"]


def load_gates(gates, a):
    """Every gate's seals at once; returns the simulators' summaries."""
    sims = []
    for g, gate in enumerate(gates, start=1):
        summary = os.path.join(gate.workdir, "fleet.json")
        proc = subprocess.Popen(
            [binary("niisim"), "eseal", "--port", str(gate.listen_port("seals")), "--units", str(a.units),
             "--reports", str(a.reports), "--interval", "1", "--speed", "100000",
             "--concurrency", str(min(a.units, 250)), "--ack-timeout", "120",
             "--imei-base", str(IMEI_BASE + g * 100_000), "--summary-json", summary],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        sims.append((proc, summary))
    fleets = []
    for proc, summary in sims:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"niisim failed loading a gate: {err[-2000:]}")
        fleets.append(json.load(open(summary)))
    return fleets


def settled_counts(gates, patience=30):
    """Each gate's stored events once two reads a second apart agree (the seals' links going down
    are stored a moment after the simulator ends)."""
    counts = [g.stored() for g in gates]
    deadline = time.time() + patience
    while time.time() < deadline:
        time.sleep(1)
        again = [g.stored() for g in gates]
        if again == counts:
            return counts
        counts = again
    return counts


def run(count, a, base_url, postmaster):
    name = f"forwarding{count}"
    out = os.path.join(a.out, name)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    load_before = wait_quiet(a.quiet_load, a.quiet_wait)
    print(f"--- {count} replica(s), {a.gates} gates, load {load_before}", file=sys.stderr)
    psql(base_url, f"DROP DATABASE IF EXISTS {name}")
    psql(base_url, f"CREATE DATABASE {name}")
    url = database_url(base_url, name)
    data = os.path.join(out, "data")
    replicas, gates, nginx, sampler = [], [], None, None
    try:
        for i in range(1, count + 1):
            replicas.append(Replica(os.path.join(out, f"r{i}"), f"r{i}", url, data, a.lease_s).start())
        http_port = free_port()
        for g in range(1, a.gates + 1):
            site = f"gate-{g:02d}"
            folder = os.path.join(out, site)
            token_file = os.path.join(out, f"{site}.token")
            with open(token_file, "w") as f:
                f.write(gate_token(replicas[0], site))
            gates.append(Gate(folder, site, f"http://127.0.0.1:{http_port}/api/v1/forwarded", token_file, a.batch).start())
        fleets = load_gates(gates, a)
        held = settled_counts(gates)
        total = sum(held)
        print(f"    gates loaded: {total:,} events waiting ({', '.join(map(str, held))})", file=sys.stderr)

        sampler = LockSampler(url)
        cpu_before = {"replicas": {r.name: process_cpu(r.pid) for r in replicas},
                      "postgres": tree_cpu(postmaster, {sampler.backend}),
                      "gates": {g.site: process_cpu(g.pid) for g in gates}}
        load_at_start = [round(x, 2) for x in os.getloadavg()]
        sampler.counting = True
        started = time.time()
        nginx = Nginx(os.path.join(out, "nginx"), [r.port for r in replicas],
                      [r.listen_port("seals") for r in replicas], a.gates, http_port=http_port)
        first = last = None
        done = False
        deadline = started + a.timeout
        while time.time() < deadline:
            sent = [g.forwarded() for g in gates]
            now = time.time()
            if first is None and any(sent):
                first = now
            if all(s >= h for s, h in zip(sent, held)):
                last, done = now, True
                break
            time.sleep(0.1)
        sampler.counting = False
        cpu_after = {"replicas": {r.name: process_cpu(r.pid) for r in replicas},
                     "postgres": tree_cpu(postmaster, {sampler.backend}),
                     "gates": {g.site: process_cpu(g.pid) for g in gates}}
        nginx_cpu = process_cpu(nginx.pid) + sum(process_cpu(p) for p in children(nginx.pid))
        lock = sampler.figures()
        sampler.stop()
        sampler = None

        # Exactly once: the central's rows of each gate against the gate's own file (both now, after
        # the drain: what a gate stored since is forwarded too, within its next batches).
        check_deadline = time.time() + 60
        while True:
            central = {site: (int(n), int(d)) for site, n, d in psql(
                url, "SELECT site, count(*), count(DISTINCT id) FROM events WHERE site LIKE 'gate-%' GROUP BY site")}
            own = {g.site: g.stored() for g in gates}
            agree = all(central.get(s, (-1, -1)) == (n, n) for s, n in own.items())
            if agree or time.time() > check_deadline:
                break
            time.sleep(0.5)
        duplicated = {s: c for s, c in central.items() if c[0] != c[1]}

        seconds = (last - first) if done and first else None
        replica_cpu = {k: cpu_after["replicas"][k] - cpu_before["replicas"][k] for k in cpu_after["replicas"]}
        pg = {k: cpu_after["postgres"][k] - cpu_before["postgres"][k] for k in cpu_after["postgres"]}
        gate_cpu = sum(cpu_after["gates"][k] - cpu_before["gates"][k] for k in cpu_after["gates"])
        every = sum(replica_cpu.values()) + sum(pg.values()) + nginx_cpu + gate_cpu

        def per_event(s):
            return round(s / max(total, 1) * 1e6, 1)
        rate = total / seconds if seconds else 0
        result = {
            "replicas": count, "gates": a.gates, "sealsPerGate": a.units, "reportsPerSeal": a.reports, "batch": a.batch,
            "eventsWaiting": total, "eventsWaitingPerGate": held,
            "gateLoadAcked": sum(f["frames"] + f["loginsAcked"] for f in fleets),
            "drained": done, "secondsToFirstBatch": round(first - started, 2) if first else None,
            "drainSeconds": round(seconds, 2) if seconds else None, "eventsPerSecond": round(rate),
            "batchesPerSecond": round(rate / a.batch, 1),
            "cpuSeconds": {"replicas": {k: round(v, 2) for k, v in replica_cpu.items()},
                           "postgres": {k: round(v, 2) for k, v in pg.items()}, "nginx": round(nginx_cpu, 2),
                           "gates": round(gate_cpu, 2), "total": round(every, 2)},
            "cpuMicrosPerEvent": {"replicas": {k: per_event(v) for k, v in replica_cpu.items()},
                                  "replicasSum": per_event(sum(replica_cpu.values())),
                                  "postgres": per_event(sum(pg.values())), "nginx": per_event(nginx_cpu),
                                  "gates": per_event(gate_cpu), "total": per_event(every)},
            "coresBusy": round(every / seconds, 2) if seconds else None,
            "appendLock": dict(lock, bound=round(rate / lock["heldShare"]) if lock.get("heldShare") and rate else None),
            "centralPerGate": {s: c[0] for s, c in sorted(central.items())},
            "gateOwn": own, "exactlyOnce": agree and not duplicated, "duplicated": duplicated,
            "loadBefore": load_before, "loadAtStart": load_at_start,
            "postgresDurable": os.environ.get("NIIHUB_PG_DURABLE") == "1", "machine": machine(),
        }
        write_result(f"forwarding-{count}", result)
        ok = done and result["exactlyOnce"]
        if not ok:
            print(f"{count} replica(s): drained {done}, exactly once {result['exactlyOnce']}; logs in {out}", file=sys.stderr)
        return result, ok
    finally:
        if sampler:
            sampler.stop()
        for g in gates:
            g.stop()
        if nginx:
            nginx.stop()
        for r in reversed(replicas):
            r.stop()


def table(results):
    lines = ["| replicas | load before | events waiting (gates) | drain s | events/s | CPU µs/event: each replica | PostgreSQL | nginx | gates | cores busy | append lock held | exactly once |",
             "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        c = r["cpuMicrosPerEvent"]
        each = " · ".join(f"{k} {v}" for k, v in c["replicas"].items())
        lines.append(
            f"| {r['replicas']} | {' '.join(map(str, r['loadBefore']))} | {r['eventsWaiting']:,} ({r['gates']}) | "
            f"{r['drainSeconds']} | {r['eventsPerSecond']:,} | {each} | {c['postgres']} | {c['nginx']} | {c['gates']} | "
            f"{r['coresBusy']} | {round(100 * r['appendLock'].get('heldShare', 0))} % | {'yes' if r['exactlyOnce'] else 'NO'} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_arguments(ap, "forwarding")
    ap.add_argument("--gates", type=int, default=6, help="gate hubs, each its own site and SQLite file")
    ap.add_argument("--units", type=int, default=300, help="seals per gate")
    ap.add_argument("--reports", type=int, default=20, help="reports per seal after its LOCK")
    ap.add_argument("--batch", type=int, default=200, help="the gates' forward batch (events)")
    ap.add_argument("--timeout", type=float, default=600, help="longest drain before the run counts as failed")
    return run_all(ap.parse_args(), __file__, run, table)


if __name__ == "__main__":
    sys.exit(main())
