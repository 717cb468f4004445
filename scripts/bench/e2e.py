#!/usr/bin/env python3
"""End to end: thousands of simulated seals over loopback TCP → decoded, stored (SQLite,
synchronous=FULL, acked only after commit) and correlated (each seal's positions matched to its
transit declaration by the transit watch).

`niisim eseal` runs the units, each on its own connection: a LOCK report (its ack is the login),
then reports, each waiting for its ack, which the hub writes only once the report is stored. With a
high --speed the units send as fast as the acks come back, so the hub is the limit. Measured:
messages/s (sustained over the middle 80 % of all reports), ack latency p50/p99 (report written →
ack read; over the whole run, within that sustained window, and the p99 of each tenth of the run),
the device batches held while a correlation stage was behind and each queue's deepest point (from
/metrics, every 0.25 s), hub RSS idle and at the peak of connections, hub CPU seconds. A share of the seals have
a transit declaration whose corridor is far from their route: each must yield one
transit.deviation, which shows the correlation ran on their stream.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from hubrun import REPO, Hub, binary, machine, write_result  # noqa: E402

IMEI_BASE = 864_000_000_000_000


def seal_id(unit):
    return "SEAL" + str(IMEI_BASE + unit).zfill(15)[-8:]


def declarations(count):
    """Transit declarations for the first `count` seals, with a corridor far from the simulated route."""
    lines = []
    for u in range(count):
        lines.append(json.dumps({
            "number": f"BENCH{u:07d}", "type": "transit", "office": "02CI", "trader": {"tin": "0301234567"},
            "seals": [seal_id(u)], "channel": "green",
            "transit": {"origin": "02CI", "destination": "45BC", "bufferM": 500,
                        "corridor": [[21.0, 105.8], [21.1, 105.9]],
                        "start": "2020-01-01T00:00:00Z", "end": "2099-01-01T00:00:00Z"}}))
    return "\n".join(lines) + "\n"


def post(hub, path, body):
    req = urllib.request.Request(
        f"http://127.0.0.1:{hub.port}{path}", data=body.encode(), method="POST",
        headers={"Authorization": f"Bearer {hub.token}", "Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def io_bytes(pid):
    """Bytes the process has read and written through system calls (`rchar`, `wchar`): the store's
    log, its checkpoints and the sockets. Unlike CPU time, a busy machine does not move them."""
    with open(f"/proc/{pid}/io") as f:
        fields = dict(line.split(": ") for line in f.read().splitlines())
    return int(fields["rchar"]), int(fields["wchar"])


def count_kind(hub, kind):
    n, cursor = 0, None
    while True:
        page = hub.get(f"/api/v1/events?kind={kind}&limit=1000" + (f"&cursor={cursor}" if cursor else ""))
        n += len(page["events"])
        cursor = page.get("next")
        if not cursor:
            return n


def idle_connections(hub, port, count):
    """RSS of the hub holding `count` connections that sent one line each (niisim tcp-flood)."""
    before = hub.rss_kb()
    flood = subprocess.Popen([binary("niisim"), "tcp-flood", "--port", str(port), "--connections", str(count),
                              "--hold", "8"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_conn, rss_at_peak = 0, before
    deadline = time.time() + 120
    while flood.poll() is None and time.time() < deadline:
        conn = int(hub.device("seals").get("connections") or 0)
        if conn >= peak_conn:
            peak_conn, rss_at_peak = conn, max(rss_at_peak, hub.rss_kb())
        time.sleep(0.25)
    flood.wait()
    return {"connections": peak_conn, "hubRssBeforeKB": before, "hubRssHoldingKB": rss_at_peak,
            "rssPer10kConnectionsMB": round((rss_at_peak - before) / 1024 * 10_000 / max(peak_conn, 1), 1)}


def queues_empty(hub, timeout=300):
    """Waits until the store's commit queue and every correlation stage are empty (from /metrics,
    which costs the hub little), so the CPU read after it covers all the work the messages caused."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        text = hub.get("/metrics", raw=True)
        depths = [float(m.group(1)) for m in re.finditer(r"^niihub_queue_depth\{[^}]*\} (\S+)$", text, re.M)]
        if depths and all(d == 0 for d in depths):
            return True
        time.sleep(0.2)
    return False


def rounded(v, places=2):
    """`v` rounded, or None when the simulator had no figure."""
    return None if v is None else round(v, places)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--reports", type=int, default=20, help="reports per unit after its LOCK")
    ap.add_argument("--declared", type=int, default=1000, help="seals with a transit declaration")
    ap.add_argument("--concurrency", type=int, default=500, help="units connected at once")
    ap.add_argument("--no-idle", action="store_true", help="skip the idle-connections memory measure")
    ap.add_argument("--name", default="e2e", help="result file name under var/bench/results")
    ap.add_argument("--out", default=os.path.join(REPO, "var", "bench", "e2e"))
    a = ap.parse_args()
    sys.exit(run(a))


def run(a):
    hub = Hub(os.path.join(a.out, "hub"), "  - {id: seals, profile: ascii-eseal, listen: \"127.0.0.1:0\"}").start()
    try:
        status, _ = post(hub, "/api/v1/declarations/bulk", declarations(a.declared))
        assert status in (200, 201), status
        port = hub.listen_port("seals")
        held = None if a.no_idle else idle_connections(hub, port, a.units)
        time.sleep(1)
        rss_idle, fds_idle = hub.rss_kb(), hub.fds()
        events_before, cpu_before = hub.events_total(), cpu_seconds(hub.pid)
        read_before, written_before = io_bytes(hub.pid)
        summary_path = os.path.join(a.out, "fleet.json")
        peak = {"rss": rss_idle, "connections": 0, "fds": fds_idle}
        done = threading.Event()
        depths = {}

        def watch():
            while not done.is_set():
                try:
                    peak["rss"] = max(peak["rss"], hub.rss_kb())
                    peak["fds"] = max(peak["fds"], hub.fds())
                    peak["connections"] = max(peak["connections"], int(hub.device("seals").get("connections") or 0))
                    # Each queue's deepest point (the commit queue, the batches held, each stage).
                    text = hub.get("/metrics", raw=True)
                    for m in re.finditer(r'^niihub_queue_depth\{queue="([^"]+)"\} (\S+)$', text, re.M):
                        depths[m.group(1)] = max(depths.get(m.group(1), 0), int(float(m.group(2))))
                except Exception:
                    pass
                done.wait(0.25)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        started = time.time()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        sim = subprocess.run(
            [binary("niisim"), "eseal", "--port", str(port), "--units", str(a.units), "--reports", str(a.reports),
             "--interval", "1", "--speed", "100000", "--concurrency", str(a.concurrency), "--ack-timeout", "120",
             "--imei-base", str(IMEI_BASE), "--summary-json", summary_path],
            capture_output=True, text=True)
        elapsed = time.time() - started
        # The simulator shares the two cores with the hub: what it cost says how much of the
        # machine was left for the hub (it is the only child waited for in this interval).
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sim_cpu = (children_after.ru_utime + children_after.ru_stime) - (children_before.ru_utime + children_before.ru_stime)
        done.set()
        watcher.join()
        sys.stderr.write(sim.stderr)
        fleet = json.load(open(summary_path))
        # The hub's CPU once everything the messages caused is stored and correlated.
        settled = queues_empty(hub)
        cpu = cpu_seconds(hub.pid) - cpu_before
        read_after, written_after = io_bytes(hub.pid)
        # Correlated: every declared seal's stream must have been matched to its declaration.
        deadline = time.time() + 120
        found = 0
        while time.time() < deadline:
            found = count_kind(hub, "transit.deviation")
            if found >= a.declared:
                break
            time.sleep(1)
        stored = hub.events_total() - events_before
        # Device batches held back while a correlation stage was behind, and for how long in all.
        holds = (hub.metric("niihub_ingest_held_total"), hub.metric("niihub_ingest_held_seconds_total"))
        messages = a.units * (a.reports + 1)
        result = {
            "units": a.units, "reportsPerUnit": a.reports, "messagesSent": fleet["frames"] + fleet["loginsAcked"],
            "messagesExpected": messages, "eventsStored": stored, "loginsAcked": fleet["loginsAcked"],
            "failed": fleet["failed"], "seconds": round(elapsed, 2),
            "messagesPerSecondOverall": round((fleet["frames"] + fleet["loginsAcked"]) / elapsed),
            "messagesPerSecondSustained": round(fleet.get("sustainedFramesPerSecond") or 0),
            "ackLatencyP50Ms": round(fleet["ackLatencyP50Ms"], 2), "ackLatencyP99Ms": round(fleet["ackLatencyP99Ms"], 2),
            "ackLatencyMaxMs": round(fleet["ackLatencyMaxMs"], 2),
            # The same while the fleet ran at full strength (10 % to 90 % of the frames done), and
            # the p99 of each tenth of the run: where a tail comes from.
            "ackLatencySustainedP50Ms": rounded(fleet.get("ackLatencySustainedP50Ms")),
            "ackLatencySustainedP99Ms": rounded(fleet.get("ackLatencySustainedP99Ms")),
            "ackLatencyP99MsByTenth": [rounded(v, 0) for v in fleet.get("ackLatencyP99MsByTenth") or []],
            "hubRssIdleKB": rss_idle, "hubRssPeakKB": peak["rss"], "peakConnections": peak["connections"],
            "hubFdsPeak": peak["fds"],
            "rssPer10kConnectionsMB": round((peak["rss"] - rss_idle) / 1024 * 10_000 / max(peak["connections"], 1), 1),
            "idleConnections": held, "concurrency": a.concurrency, "settled": settled,
            "hubCpuSeconds": round(cpu, 2), "hubCpuMicrosPerMessage": round(cpu / max(messages, 1) * 1e6, 1),
            "hubBytesReadPerMessage": round((read_after - read_before) / max(messages, 1)),
            "hubBytesWrittenPerMessage": round((written_after - written_before) / max(messages, 1)),
            "simulatorCpuSeconds": round(sim_cpu, 2),
            "simulatorCpuMicrosPerMessage": round(sim_cpu / max(messages, 1) * 1e6, 1),
            "queueDepthPeaks": depths,
            "batchesHeldForStages": int(holds[0]), "heldSecondsPerHeldBatch": round(holds[1] / max(holds[0], 1), 3),
            "declaredSeals": a.declared, "transitDeviations": found, "correlated": found >= a.declared,
            "machine": machine(),
        }
        write_result(a.name, result)
        return 0 if sim.returncode == 0 and result["correlated"] else 1
    finally:
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
