#!/usr/bin/env python3
"""Soak: the hub at a steady event rate from simulated trackers for N minutes, sampling its resident
memory and open file descriptors every 10 s into a CSV, then judging whether both stayed flat.

Usage: soak.py --minutes 30 [--rate 5000] [--hogs N] [--out var/soak]
Teltonika units (each report acked after commit) bring 80 % of the rate, GT06 units the rest; the
GT06 units drop their connection and dial in again every minute, so connection churn is covered.
--hogs N runs N busy processes beside the hub, for a machine too loaded to keep up: memory must
stay flat then too (the correlation stages slow ingest down rather than queue without bound).
Each sample also records the stages' queue depths and what ingest waited for them.
The binaries are copied first, so a rebuild during the run does not touch the running hub.
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from hubrun import REPO, Hub, binary, machine, proc_status, write_result  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--rate", type=int, default=5000, help="events per second offered")
    ap.add_argument("--every", type=float, default=10, help="seconds between samples")
    ap.add_argument("--warmup", type=float, default=None, help="minutes left out of the verdict (default: 10%%, at least 1)")
    ap.add_argument("--out", default=os.path.join(REPO, "var", "soak"))
    ap.add_argument("--hogs", type=int, default=0, help="busy processes competing for the CPU")
    ap.add_argument("--keep-store", action="store_true", help="keep the SQLite file (it grows by GBs)")
    a = ap.parse_args()

    out = os.path.abspath(a.out)
    bindir = os.path.join(out, "bin")
    os.makedirs(bindir, exist_ok=True)
    for name in ("niihub", "niisim"):
        shutil.copy2(binary(name), os.path.join(bindir, name))
    hub = Hub(os.path.join(out, "hub"), "  - {id: trackers, profile: teltonika-fmb, listen: \"127.0.0.1:0\"}\n"
              "  - {id: seals, profile: gt06-eseal, listen: \"127.0.0.1:0\"}", bindir=bindir).start()
    sims = []
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(a.hogs)]
    try:
        interval = 0.1
        telt_units = max(1, round(a.rate * 0.8 * interval))
        gt06_units = max(1, round(a.rate * 0.2 * interval))
        niisim = os.path.join(bindir, "niisim")
        common = ["--reports", "0", "--interval", str(interval), "--concurrency", "100", "--ack-timeout", "60"]
        sim_log = open(os.path.join(out, "simulators.log"), "w")
        sims.append(subprocess.Popen(
            [niisim, "teltonika", "--port", str(hub.listen_port("trackers")), "--units", str(telt_units)] + common,
            stdout=sim_log, stderr=sim_log))
        sims.append(subprocess.Popen(
            [niisim, "gt06", "--port", str(hub.listen_port("seals")), "--units", str(gt06_units),
             "--imei-base", "865000000000000", "--heartbeat-every", "0", "--disconnect-every", str(int(60 / interval))]
            + common, stdout=sim_log, stderr=sim_log))
        rows = sample(hub, sims, a.minutes * 60, a.every, os.path.join(out, "soak.csv"))
    finally:
        for s in sims + hogs:
            if s.poll() is None:
                s.terminate()
        for s in sims + hogs:
            s.wait()
        hub.stop()
    warmup = a.warmup if a.warmup is not None else max(1.0, a.minutes * 0.1)
    verdict = judge(rows, warmup * 60)
    verdict.update(minutes=a.minutes, offeredRate=a.rate, hogs=a.hogs, csv=os.path.join(out, "soak.csv"), machine=machine())
    store_bytes = sum(os.path.getsize(os.path.join(hub.workdir, f)) for f in os.listdir(hub.workdir)
                      if f.startswith("hub.sqlite"))
    verdict["storeBytes"] = store_bytes
    if not a.keep_store:
        for f in os.listdir(hub.workdir):
            if f.startswith("hub.sqlite"):
                os.remove(os.path.join(hub.workdir, f))
    write_result("soak", verdict, folder=out)
    print_verdict(verdict)
    return 0 if verdict["rssFlat"] and verdict["fdsFlat"] else 1


def sample(hub, sims, seconds, every, path):
    rows = []
    started = time.time()
    last_events, last_t = hub.events_total(), started
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["elapsed_s", "rss_kb", "rss_anon_kb", "rss_file_kb", "fds", "threads", "events_total", "events_per_s",
                    "store_bytes", "wal_bytes", "queue_store_commit", "queue_passages", "queue_transits", "queue_risk",
                    "held_total", "held_seconds", "stage_dropped"])
        while time.time() - started < seconds:
            time.sleep(every - ((time.time() - started) % every))
            now = time.time()
            if hub.proc.poll() is not None:
                raise SystemExit("the hub died during the soak")
            for s in sims:
                if s.poll() is not None:
                    raise SystemExit(f"a simulator stopped during the soak (exit {s.returncode}); see simulators.log")
            metrics = hub.get("/metrics", raw=True)
            events = hub.events_total(metrics)
            row = {
                # Anonymous memory is the heap; file-backed is mapped code and data (libraries, ICU
                # tables) that grows only as far as the files as more of them is touched.
                "elapsed_s": round(now - started, 1), "rss_kb": hub.rss_kb(), "rss_anon_kb": proc_status(hub.pid, "RssAnon"),
                "rss_file_kb": proc_status(hub.pid, "RssFile"), "fds": hub.fds(), "threads": hub.threads(),
                "events_total": events, "events_per_s": round((events - last_events) / (now - last_t)),
                "store_bytes": size(hub.store), "wal_bytes": size(hub.store + "-wal"),
                "queue_store_commit": metric(metrics, 'niihub_queue_depth{queue="store_commit"}'),
                "queue_passages": metric(metrics, 'niihub_queue_depth{queue="passages"}'),
                "queue_transits": metric(metrics, 'niihub_queue_depth{queue="transits"}'),
                "queue_risk": metric(metrics, 'niihub_queue_depth{queue="risk"}'),
                "held_total": metric(metrics, "niihub_ingest_held_total"),
                "held_seconds": round(metric(metrics, "niihub_ingest_held_seconds_total"), 1),
                "stage_dropped": sum(int(float(m.group(1))) for m in re.finditer(
                    r"^niihub_stage_dropped_total\{[^}]*\} (\S+)$", metrics, re.M)),
            }
            last_events, last_t = events, now
            rows.append(row)
            w.writerow(row.values())
            f.flush()
            print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return rows


def metric(text, name):
    """One sample's value from Prometheus text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0


def size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def slope(xs, ys):
    """Least-squares slope of ys over xs."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def judge(rows, warmup_s):
    """Flat means: after warm-up, the fitted trend over the run adds under 5 % (RSS) or 2 %
    (descriptors, at least 10), and no sample exceeds the warm-up level by more than 10 % (RSS) or
    by more than 5 % and 20 descriptors."""
    after = [r for r in rows if r["elapsed_s"] > warmup_s]
    if len(after) < 3:
        raise SystemExit("too few samples after warm-up to judge")
    xs = [r["elapsed_s"] / 60 for r in after]
    span = xs[-1] - xs[0]
    out = {"samples": len(rows), "warmupMinutes": warmup_s / 60,
           "eventsPerSecondMean": round(sum(r["events_per_s"] for r in after) / len(after)),
           "eventsTotal": rows[-1]["events_total"],
           "stageQueueMax": max(max(r["queue_passages"], r["queue_transits"], r["queue_risk"]) for r in rows),
           "ingestHeldBatches": rows[-1]["held_total"], "ingestHeldSeconds": rows[-1]["held_seconds"],
           "stageDropped": rows[-1]["stage_dropped"]}
    for key, name, trend_limit, floor, max_limit, max_floor in (
            ("rss_kb", "rss", 0.05, 0, 0.10, 0), ("rss_anon_kb", "heap", 0.05, 0, 0.10, 0),
            ("fds", "fds", 0.02, 10, 0.05, 20)):
        ys = [r[key] for r in after]
        ref = ys[0]
        s = slope(xs, ys)
        growth = s * span
        over = max(ys) - ref
        flat = growth <= max(trend_limit * ref, floor) and over <= max(max_limit * ref, max_floor)
        out.update({
            f"{name}AtWarmup": ref, f"{name}Min": min(ys), f"{name}Max": max(ys), f"{name}End": ys[-1],
            f"{name}SlopePerMin": round(s, 2), f"{name}TrendOverRun": round(growth, 1), f"{name}Flat": flat,
        })
    return out


def print_verdict(v):
    print(f"soak: {v['minutes']} min offered {v['offeredRate']} events/s ({v['hogs']} CPU hogs), stored "
          f"{v['eventsPerSecondMean']} events/s on average after warm-up ({v['eventsTotal']} events)")
    print(f"  stages: deepest queue {v['stageQueueMax']:.0f} events; ingest held {v['ingestHeldBatches']:.0f} batches for "
          f"{v['ingestHeldSeconds']} s in all; {v['stageDropped']} events turned away by a full stage")
    print(f"  RSS  after warm-up {v['rssAtWarmup']} kB, max {v['rssMax']} kB, end {v['rssEnd']} kB, "
          f"slope {v['rssSlopePerMin']} kB/min: {'FLAT' if v['rssFlat'] else 'GROWING'}")
    print(f"  heap (anonymous RSS) after warm-up {v['heapAtWarmup']} kB, max {v['heapMax']} kB, end {v['heapEnd']} kB, "
          f"slope {v['heapSlopePerMin']} kB/min: {'FLAT' if v['heapFlat'] else 'GROWING'}")
    print(f"  fds  after warm-up {v['fdsAtWarmup']}, min {v['fdsMin']}, max {v['fdsMax']}, end {v['fdsEnd']}, "
          f"slope {v['fdsSlopePerMin']}/min: {'FLAT' if v['fdsFlat'] else 'GROWING'}")


if __name__ == "__main__":
    sys.exit(main())
