#!/usr/bin/env python3
"""Hub CPU per message, end to end (seal report over TCP → stored with fsync → correlated → acked),
and whether it got worse.

`--quick` runs 1,000 seals × 21 messages (about a minute) and compares the hub's CPU µs per message
with the figure recorded in scripts/bench/baseline.json for the same CPU model: worse by more than
20 % prints a banner and exits 1 (a CPU with no figure yet gets this run as its baseline). CPU time,
not wall time, so a busy machine neither hides nor fakes a regression (it still records the load
average beside each figure). `--record` makes this run the new baseline.

`--sweep 100,1000,10000` runs the same number of messages spread over that many seals each, to show
that a message costs the same however many units report: the figure must stay flat.
"""
import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import e2e  # noqa: E402
from hubrun import REPO, write_result  # noqa: E402

BASELINE = os.path.join(os.path.dirname(__file__), "baseline.json")
RESULTS = os.path.join(REPO, "var", "bench", "results")
ALLOWED_WORSENING = 0.20


def measure(units, reports, declared, name):
    a = argparse.Namespace(units=units, reports=reports, declared=declared, concurrency=min(500, units),
                           no_idle=True, name=name, out=os.path.join(REPO, "var", "bench", name))
    if e2e.run(a) != 0:
        raise SystemExit(f"{name}: the run failed (see var/bench/{name}/hub/hub.log)")
    return json.load(open(os.path.join(RESULTS, name + ".json")))


def commit():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def quick(record):
    r = measure(1000, 20, 100, "e2e-quick")
    now = r["hubCpuMicrosPerMessage"]
    # A figure is only compared with one taken on the same CPU model: the same VM moved to another
    # host runs everything 10-20 % faster or slower, which would fake or hide a regression. The
    # model number goes with the name: hosts of two Xeon generations both call themselves
    # "Intel(R) Xeon(R) Processor" in a VM, and one ran the same build 40 % faster (2026-12-07).
    c = r["machine"]["cpu"]
    cpu = c.get("Model name", "unknown CPU") + (f" (model {c['Model']})" if c.get("Model") else "")
    baseline = json.load(open(BASELINE)) if os.path.exists(BASELINE) else {}
    recorded = baseline.setdefault("e2e-quick", {})
    last = recorded.get(cpu)
    print(f"\nHub CPU per message (1,000 seals × 21): {now} µs, {r['messagesPerSecondSustained']:,} messages/s, "
          f"ack p99 {r['ackLatencyP99Ms']} ms (load {' '.join(r['loadavg'])}, {cpu})")
    worse = False
    if last:
        change = now / last["hubCpuMicrosPerMessage"] - 1
        print(f"Recorded on this CPU: {last['hubCpuMicrosPerMessage']} µs at {last['commit']} on {last['at']} "
              f"(load {' '.join(last['loadavg'])}): {change:+.0%}")
        worse = change > ALLOWED_WORSENING
        if worse:
            bar = "!" * 78
            print(f"\n{bar}\n!! REGRESSION: a message costs {change:+.0%} hub CPU against the recorded figure "
                  f"(allowed +{ALLOWED_WORSENING:.0%}).\n!! Profile it (BENCHMARKS.md, 'Finding where the time goes') "
                  f"before recording a new baseline.\n{bar}\n")
    else:
        others = ", ".join(f"{v['hubCpuMicrosPerMessage']} µs on {k}" for k, v in recorded.items()) or "none"
        print(f"No figure recorded on this CPU (others: {others}); this run becomes its baseline.")
    if record or not last:
        recorded[cpu] = {"hubCpuMicrosPerMessage": now, "commit": commit(), "at": r["at"], "loadavg": r["loadavg"],
                         "messagesPerSecondSustained": r["messagesPerSecondSustained"]}
        with open(BASELINE, "w") as f:
            json.dump(baseline, f, indent=2)
            f.write("\n")
        print(f"Baseline recorded in {os.path.relpath(BASELINE, REPO)}")
    return 1 if worse else 0


def sweep(counts, total):
    rows = []
    for units in counts:
        reports = max(1, total // units - 1)
        r = measure(units, reports, min(100, units), f"e2e-units-{units}")
        rows.append({"units": units, "messagesPerUnit": reports + 1, "hubCpuMicrosPerMessage": r["hubCpuMicrosPerMessage"],
                     "messagesPerSecondSustained": r["messagesPerSecondSustained"], "ackLatencyP99Ms": r["ackLatencyP99Ms"],
                     "loadavg": r["loadavg"]})
    costs = [row["hubCpuMicrosPerMessage"] for row in rows]
    result = {"rows": rows, "spread": round(max(costs) / max(min(costs), 1e-9), 2)}
    print("\n| units | messages per unit | hub CPU µs/message | messages/s | ack p99 ms | load |")
    print("|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(f"| {row['units']:,} | {row['messagesPerUnit']} | {row['hubCpuMicrosPerMessage']} | "
              f"{row['messagesPerSecondSustained']:,} | {row['ackLatencyP99Ms']} | {' '.join(row['loadavg'])} |")
    print(f"Most / least CPU per message: {result['spread']}× (flat is ≤ 1.5×)")
    write_result("e2e-units", result)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--record", action="store_true", help="with --quick: make this run the baseline")
    ap.add_argument("--sweep", help="comma-separated unit counts, e.g. 100,1000,10000")
    ap.add_argument("--messages", type=int, default=100_000, help="messages per sweep run")
    a = ap.parse_args()
    if a.sweep:
        return sweep([int(x) for x in a.sweep.split(",")], a.messages)
    return quick(a.record)


if __name__ == "__main__":
    sys.exit(main())
